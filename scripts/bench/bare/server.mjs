// The bare Remix app of `npm run bench:pages`, served like the portal: Express, compression, static build.
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";

const build = await import(new URL("./build/index.js", import.meta.url).href);
const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use("/build", express.static(new URL("./public/build", import.meta.url).pathname, { immutable: true, maxAge: "1y" }));
app.all("*", createRequestHandler({ build, mode: "production" }));
const port = Number(process.env.PORT ?? 3900);
app.listen(port, "127.0.0.1", () => console.log(`bare app on ${port}`));
