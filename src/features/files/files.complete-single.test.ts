// Completing an upload that was not a multipart one (a file sent in one request) is 404 and changes nothing.
import { describe, expect, it } from "vitest";
import { bytesOf, TEXT, uploadOk } from "../../../test/files-helpers";
import { registerUser } from "../../../test/helpers";

describe("completing an upload", () => {
  it("answers 404 for a file uploaded in one request (it has no multipart upload), and leaves it as it was", async () => {
    const { client } = await registerUser("single");
    const file = await uploadOk(client, bytesOf(TEXT), { name: "single.txt", type: "text/plain" });
    const res = await client.fetch(`/api/files/uploads/${file.id}/complete`, { method: "POST" });
    expect(res.status).toBe(404);
    const after = await (await client.fetch(`/api/files/${file.id}`)).json<{ uploadMode: string; size: number }>();
    expect(after).toMatchObject({ uploadMode: "single", size: file.size });
  });
});
