// HEAD answers exactly like GET (ranges included), strict numbers in the files query strings, the 4 KiB type window.
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, fileRow, upload, uploadOk } from "../../../test/files-helpers";
import { type Client, call, registerUser } from "../../../test/helpers";

let alice: Client;

beforeAll(async () => {
  await registerUser("admin");
  alice = (await registerUser("alice")).client;
});

/** 1 000 bytes of text whose every position differs from its neighbours. */
const THOUSAND = bytesOf(Array.from({ length: 1_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(""));

/** The status and the headers a client acts on, for comparing HEAD with GET. */
async function shape(res: Response) {
  const body = new Uint8Array(await res.arrayBuffer());
  return {
    status: res.status,
    contentLength: res.headers.get("Content-Length"),
    contentRange: res.headers.get("Content-Range"),
    acceptRanges: res.headers.get("Accept-Ranges"),
    etag: res.headers.get("ETag"),
    contentType: res.headers.get("Content-Type"),
    bodyBytes: body.byteLength,
  };
}

describe("HEAD on file content answers as GET does", () => {
  let fileId: string;
  let sharePath: string;
  beforeAll(async () => {
    fileId = (await uploadOk(alice, THOUSAND, { name: "thousand.txt", type: "text/plain" })).id;
    const link = await alice.fetch(`/api/files/${fileId}/links`, { method: "POST", json: { expiresInSeconds: 600 } });
    sharePath = new URL((await link.json<{ url: string }>()).url).pathname;
  });

  const fetchers = {
    owner: (path: string, init: RequestInit) => alice.fetch(path, init),
    "share link": (_: string, init: RequestInit) => call(sharePath, init),
  };

  for (const [who, send] of Object.entries(fetchers)) {
    const path = () => `/api/files/${fileId}/content`;

    it(`${who}: Range bytes=0-9 → 206, Content-Range bytes 0-9/1000, Content-Length 10`, async () => {
      const get = await shape(await send(path(), { headers: { Range: "bytes=0-9" } }));
      const head = await shape(await send(path(), { method: "HEAD", headers: { Range: "bytes=0-9" } }));
      expect(get).toMatchObject({ status: 206, contentLength: "10", contentRange: "bytes 0-9/1000", bodyBytes: 10 });
      expect(head).toEqual({ ...get, bodyBytes: 0 });
    });

    it(`${who}: suffix and open-ended ranges match too`, async () => {
      for (const range of ["bytes=-5", "bytes=990-", "bytes=0-99999"]) {
        const get = await shape(await send(path(), { headers: { Range: range } }));
        const head = await shape(await send(path(), { method: "HEAD", headers: { Range: range } }));
        expect(get.status, range).toBe(206);
        expect(head, range).toEqual({ ...get, bodyBytes: 0 });
      }
    });

    it(`${who}: an unsatisfiable range → 416 with Content-Range bytes */1000 for both`, async () => {
      const get = await send(path(), { headers: { Range: "bytes=1000-" } });
      const head = await send(path(), { method: "HEAD", headers: { Range: "bytes=1000-" } });
      expect(get.status).toBe(416);
      expect(head.status).toBe(416);
      expect(get.headers.get("Content-Range")).toBe("bytes */1000");
      expect(head.headers.get("Content-Range")).toBe("bytes */1000");
      expect((await get.json<{ code: string }>()).code).toBe("range-not-satisfiable");
    });

    it(`${who}: no Range (or a stale If-Range) → 200 with the full length for both`, async () => {
      const get = await shape(await send(path(), {}));
      const head = await shape(await send(path(), { method: "HEAD" }));
      expect(get).toMatchObject({ status: 200, contentLength: "1000", contentRange: null, bodyBytes: 1_000 });
      expect(head).toEqual({ ...get, bodyBytes: 0 });
      const stale = { Range: "bytes=0-9", "If-Range": '"stale"' };
      const staleHead = await shape(await send(path(), { method: "HEAD", headers: stale }));
      expect(staleHead).toMatchObject({ status: 200, contentLength: "1000", contentRange: null });
    });
  }
});

describe("numbers in the files query strings are plain decimal", () => {
  it("accepts limit=2 and refuses 0x2, 2.0, +2, 02, ' 2', 1e1, -1, 0, 101 with 400 problem+json", async () => {
    const { client } = await registerUser("lister");
    for (let i = 0; i < 3; i++) await uploadOk(client, bytesOf(`file ${i}`), { name: `${i}.txt` });
    const ok = await client.fetch("/api/files?limit=2");
    expect(ok.status).toBe(200);
    expect((await ok.json<{ files: unknown[] }>()).files).toHaveLength(2);
    for (const limit of ["0x2", "2.0", "%2B2", "02", "%202", "2%20", "1e1", "-1", "0", "101", "", "two"]) {
      const res = await client.fetch(`/api/files?limit=${limit}`);
      expect(res.status, `limit=${limit}`).toBe(400);
      expect(res.headers.get("Content-Type"), `limit=${limit}`).toContain("application/problem+json");
    }
  });
});

describe("the type is decided by the first 4 KiB, as the README says", () => {
  /** Text with one NUL byte (which makes bytes binary) at `at`. */
  function textWithNulAt(at: number): Uint8Array {
    const bytes = bytesOf("n".repeat(6_000));
    bytes[at] = 0;
    return bytes;
  }

  it("a NUL at byte 4 095 (inside the window) → 415 unsupported-file-type, nothing stored", async () => {
    const res = await upload(alice, textWithNulAt(4_095), { name: "inside.txt", type: "text/plain" });
    expect(res.status).toBe(415);
    expect((await res.json<{ code: string }>()).code).toBe("unsupported-file-type");
    const { files } = await (await alice.fetch("/api/files?limit=100")).json<{ files: { name: string }[] }>();
    expect(files.map((f) => f.name)).not.toContain("inside.txt");
  });

  it("a NUL at byte 4 096 (past the window) → 201, stored as text/plain with every byte", async () => {
    const bytes = textWithNulAt(4_096);
    const file = await uploadOk(alice, bytes, { name: "outside.txt", type: "text/plain" });
    expect(file).toMatchObject({ contentType: "text/plain", size: 6_000, status: "stored" });
    expect((await fileRow(file.id))?.content_type).toBe("text/plain");
    const download = await alice.fetch(`/api/files/${file.id}/content`);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
  });
});
