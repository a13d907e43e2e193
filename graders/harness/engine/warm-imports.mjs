// Preloaded (`--import`) into the spare worker process of watch mode (warm-pool.ts), while the learner is
// still typing: the libraries every grader file imports, and a first run of the code paths every check
// takes (Node's fetch classes and web streams, a memfs volume), so the first check of a save does not pay
// for loading and compiling them. Nothing here has a side effect a grader could see: MSW patches nothing
// before server.listen(), fake-timers fakes nothing before install(), the volume is thrown away, and no
// request is made.
import "msw";
import "msw/node";
import "@sinonjs/fake-timers";
import { Volume, createFsFromVolume } from "memfs";

async function warmUp() {
  const body = JSON.stringify({ id: "p1", name: "Ada", tags: ["a", "b"] });
  const request = new Request("http://warm.test/enrich?id=p1", { headers: { accept: "application/json" } });
  void new URL(request.url).searchParams.get("id");
  const responses = [new Response(body, { headers: { "content-type": "application/json" } }), new Response(new Uint8Array(64 * 1024))];
  await responses[0].clone().json();
  await responses[0].text();
  await responses[1].arrayBuffer();
  const fs = createFsFromVolume(new Volume());
  await fs.promises.mkdir("/warm/out", { recursive: true });
  await fs.promises.writeFile("/warm/in.csv", "id,name\np1,Ada\np2,Grace\n");
  for await (const chunk of fs.createReadStream("/warm/in.csv", { encoding: "utf8" })) void chunk.split("\n");
  const out = fs.createWriteStream("/warm/out/x.jsonl");
  await new Promise((resolve, reject) => out.end(`${body}\n`, (error) => (error ? reject(error) : resolve())));
  await fs.promises.writeFile("/warm/out/y.bin", new Uint8Array(1024));
  new TextDecoder().decode(new TextEncoder().encode(body));
}
await warmUp().catch(() => {}); // a warm-up that fails only leaves the process colder

// A spare that is never used must not outlive watch mode.
const exit = process.exit.bind(process);
process.once("disconnect", () => exit(0));
