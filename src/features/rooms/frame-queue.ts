// Applies a room's frames strictly in the order they arrive. Most are applied at once (synchronously); one that
// has to wait (a D1 read for attachments) makes the frames after it wait for it, and only then.
export class FrameQueue {
  /** The frames still being applied while one waits (null: none, and the next frame is applied at once). */
  #busy: Promise<void> | null = null;

  /** Applies `step` now, or after the frames still pending; resolves once it has been applied. */
  run(step: () => void | Promise<void>): Promise<void> | undefined {
    if (this.#busy === null) return this.#track(step());
    return this.#track(this.#busy.then(step));
  }

  /** Resolves once nothing is pending (the upgrade waits for it so its welcome follows what came before). */
  async idle(): Promise<void> {
    while (this.#busy) await this.#busy;
  }

  #track(step: void | Promise<void>): Promise<void> | undefined {
    if (!(step instanceof Promise)) return;
    const tracked: Promise<void> = step
      .catch((error: unknown) => console.warn(JSON.stringify({ message: "frame failed", error: String(error) })))
      .then(() => {
        if (this.#busy === tracked) this.#busy = null;
      });
    this.#busy = tracked;
    return tracked;
  }
}
