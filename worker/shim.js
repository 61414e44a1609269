// The worker's entry point: workerd calls `fetch` and `scheduled` on the default export, and these hand
// them to the Rust handlers in the wasm-bindgen module (`index.js`, built with `--target module`).
//
// The crate is built with panic = "abort": a panic or a trap leaves the wasm instance unusable. The
// glue's own guard (`--force-enable-abort-handler`) refuses further calls into it; here the next request
// starts a fresh instance (`--experimental-reset-state-function`) instead of failing until workerd
// evicts the isolate.
import { WorkerEntrypoint } from "cloudflare:workers";
import * as wasm from "./index.js";

// The `worker` crate's shared flag; its panic hook sets `criticalError` too.
const state = wasm.__worker_init_state();

function resetIfBroken() {
  if (state.criticalError) {
    console.log("A panic or trap ended the previous wasm instance: starting a fresh one");
    wasm.__wbg_reset_state();
    state.criticalError = false;
    state.instanceId++;
  }
}

function noteBroken(error) {
  if (error instanceof WebAssembly.RuntimeError) {
    console.error("wasm trap", error);
    state.criticalError = true;
  }
}

// A trap in a task the handler's future was waiting on (a promise callback into wasm) never reaches the
// handler's caller: it surfaces here.
addEventListener("error", (event) => noteBroken(event.error));

async function call(handler, arg, env, ctx) {
  resetIfBroken();
  try {
    return await handler(arg, env, ctx);
  } catch (error) {
    noteBroken(error);
    throw error;
  }
}

export default class extends WorkerEntrypoint {
  fetch(request) {
    return call(wasm.fetch, request, this.env, this.ctx);
  }

  scheduled(controller) {
    return call(wasm.scheduled, controller, this.env, this.ctx);
  }
}
