// A built site served over loopback the way a plain static host serves it: a folder
// answers with its index.html, a missing file with /404.html and status 404. Shared by
// the scripts that open built pages in Chromium (accessibility.mjs, lighthouse.mjs).

import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".xml": "application/xml; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves `outputDir` on 127.0.0.1 at a free port. Returns its `origin`, `fileFor` (the file
 * a URL path names, or null when the host would answer 404) and `close`.
 */
export async function serveFolder(outputDir) {
  function fileFor(urlPath) {
    let relative;
    try {
      relative = normalize(decodeURIComponent(urlPath));
    } catch {
      return null;
    }
    const file = join(outputDir, relative);
    if (file !== outputDir && !file.startsWith(outputDir.endsWith(sep) ? outputDir : outputDir + sep)) {
      return null;
    }
    try {
      const stat = statSync(file);
      if (stat.isFile()) return file;
      if (stat.isDirectory() && statSync(join(file, "index.html")).isFile()) return join(file, "index.html");
    } catch {
      // Not there.
    }
    return null;
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://localhost").pathname;
    const found = fileFor(path);
    const file = found ?? fileFor("/404.html");
    if (!file) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(found ? 200 : 404, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    fileFor,
    close: () => server.close(),
  };
}
