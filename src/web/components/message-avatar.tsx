// A person's initials on a colour of their own: the same user id always gets the same colour (a small palette,
// each with AA contrast for white text, defined in rooms.css as --avatar-1 … --avatar-8). Decorative: the name is
// always written next to it.
const PALETTE_SIZE = 8;

/** 1…8, stable for a user id (FNV-1a). */
export function avatarHue(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) % PALETTE_SIZE) + 1;
}

/** "Ada Lovelace" → "AL"; "ada" → "A"; nothing usable → "?". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : words.slice(0, 1);
  const text = letters.map((w) => [...(w ?? "")][0] ?? "").join("");
  return text.toUpperCase() || "?";
}

export function MessageAvatar({ userId, name }: { userId: string; name: string }) {
  return (
    <span className="avatar" aria-hidden="true" style={{ background: `var(--avatar-${avatarHue(userId)})` }}>
      {initials(name)}
    </span>
  );
}
