// Put first in the app's iframe.html by the fault tests (before the SDK and the app load):
// the app's timing, shortened (window.zendeskHeartTiming, see src/timing.rs), and counters of
// what is pending in the iframe: live timers, event listeners, unsettled client.request calls,
// the JS heap and the wasm memory. window.__probe() reads them.
(() => {
  'use strict';
  window.zendeskHeartTiming = __TIMING__;

  const timers = new Set();
  const realSetTimeout = window.setTimeout.bind(window);
  const realClearTimeout = window.clearTimeout.bind(window);
  window.setTimeout = function (fn, ms, ...args) {
    const id = realSetTimeout(function () {
      timers.delete(id);
      if (typeof fn === 'function') fn.apply(this, args);
    }, ms);
    timers.add(id);
    return id;
  };
  window.clearTimeout = function (id) {
    timers.delete(id);
    realClearTimeout(id);
  };
  let intervals = 0;
  const realSetInterval = window.setInterval.bind(window);
  const realClearInterval = window.clearInterval.bind(window);
  window.setInterval = function (...args) { intervals++; return realSetInterval(...args); };
  window.clearInterval = function (id) { intervals--; realClearInterval(id); };

  // Listeners, as the browser keeps them: one per (target, type, capture, function).
  const registry = new WeakMap();
  let listeners = 0;
  const key = (type, options) =>
    type + ((typeof options === 'boolean' ? options : !!(options && options.capture)) ? '!' : '');
  const realAdd = EventTarget.prototype.addEventListener;
  const realRemove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, options) {
    if (fn) {
      let byType = registry.get(this);
      if (!byType) { byType = new Map(); registry.set(this, byType); }
      const k = key(type, options);
      let fns = byType.get(k);
      if (!fns) { fns = new Set(); byType.set(k, fns); }
      if (!fns.has(fn)) { fns.add(fn); listeners++; }
    }
    return realAdd.call(this, type, fn, options);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, options) {
    const fns = registry.get(this) && registry.get(this).get(key(type, options));
    if (fns && fns.delete(fn)) listeners--;
    return realRemove.call(this, type, fn, options);
  };

  // client.request calls not yet settled, wrapped as soon as the SDK has loaded.
  let requests = 0;
  let pending = 0;
  const wrapSdk = () => {
    const sdk = window.ZAFClient;
    if (!sdk || sdk.__probed || typeof sdk.init !== 'function') return;
    const init = sdk.init;
    sdk.init = function (...args) {
      const client = init.apply(this, args);
      if (client && typeof client.request === 'function') {
        const request = client.request;
        client.request = function (...rargs) {
          requests++;
          pending++;
          const promise = request.apply(this, rargs);
          const done = () => { pending--; };
          promise.then(done, done);
          return promise;
        };
      }
      return client;
    };
    sdk.__probed = true;
  };
  realAdd.call(document, 'load', wrapSdk, true);

  // The wasm instance's memory, whichever way wasm-bindgen instantiates it.
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const real = WebAssembly[name];
    if (typeof real !== 'function') continue;
    WebAssembly[name] = function (...args) {
      return real.apply(this, args).then((out) => {
        const instance = out && out.instance ? out.instance : out;
        if (instance && instance.exports && instance.exports.memory) {
          window.__wasmMemory = instance.exports.memory;
        }
        return out;
      });
    };
  }

  window.__probe = () => ({
    timers: timers.size,
    intervals,
    listeners,
    requests,
    pending,
    heap: performance.memory ? performance.memory.usedJSHeapSize : null,
    wasm: window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : null,
  });
})();
