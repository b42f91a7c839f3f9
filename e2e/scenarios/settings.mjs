// Settings: the sessions list shows this browser's session.

export async function settings(h) {
  const { base, users, check, shot } = h;
  const { ada } = users;

  await check("settings show my sessions", async () => {
    await ada.page.goto(`${base}/settings`);
    await ada.page.locator("[data-testid=sessions] li").first().waitFor({ timeout: 10_000 });
    await ada.page.screenshot({ path: shot("settings.png") });
  });
}
