// Navigation outside components (after a form succeeds, from a hook): the app's React Router instance registers
// itself here. Components use react-router's <Link> and useNavigate() directly.
type Navigator = (to: string, options?: { replace?: boolean }) => void;

let navigator: Navigator = (to) => {
  location.assign(to);
};

export function setNavigator(next: Navigator): void {
  navigator = next;
}

export function navigate(to: string, options?: { replace?: boolean }): void {
  navigator(to, options);
}
