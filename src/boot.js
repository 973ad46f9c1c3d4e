// The page's own start, before the wasm has arrived: it starts the ZAF client, asks Zendesk for
// the ticket's facts and the settings, fetches the agent's language's strings, and sends the
// first read of the like-state, so that none of it waits for the wasm to download, compile and
// start. The app (src/zaf.rs, Client::init) takes all of it over from window.__heartBoot and
// judges every answer itself.
//
// `cargo xtask build` minifies this into iframe.html and defines HEART_PAGE (xtask/src/page.rs,
// `Facts`): `own`, Zendesk's own channels (the contract's NOT_INTEGRATIONS: no read, no strings
// on such a ticket); `plain`, the contract's PLAIN_PATH_PATTERN (the only settings this script
// sends a read for: anything else is the app's to check and send); `proxy` and `state`, the
// proxy's path and the default state_path; `manifest`, the integration's manifest URL;
// `locales`, the file of each language's table by the primary subtag of a Zendesk locale.
// The ZAF paths are what src/ticket.rs's ContextAnswer reads, 15000 is src/timing.rs's request
// timeout (tests keep them equal). Outside Zendesk, init() gives no client and the app says so.
(function (K) {
  try {
    var c = window.ZAFClient && ZAFClient.init();
    if (!c) return;
    var context = c.get(["ticket.id", "ticket.externalId", "ticket.via", "currentUser.locale"]);
    var metadata = c.metadata();
    var plain = new RegExp(K.plain);
    // The app handles every failure; until it takes a promise over, no "uncaught" noise.
    var quiet = function (p) {
      p.catch(function () {});
      return p;
    };
    var own = function (x) {
      var via = x["ticket.via"];
      var channel = via && via.channel;
      return typeof channel == "string" && K.own.indexOf(channel.trim()) >= 0;
    };
    window.__heartBoot = {
      client: c,
      context: context,
      metadata: metadata,
      manifest: K.manifest,
      // The table of the agent's language (null for English): fetched while the read is on its
      // way, and bounded, so that it never holds the heart up for long.
      strings: quiet(
        context.then(function (x) {
          var primary = String(x["currentUser.locale"] || "").split(/[-_]/)[0].toLowerCase();
          var file = Object.prototype.hasOwnProperty.call(K.locales, primary) && K.locales[primary];
          if (!file || own(x)) return null;
          return fetch(file, { signal: AbortSignal.timeout(5000) }).then(function (r) {
            return r.ok ? r.json() : null;
          });
        })
      ),
      // The first read, exactly as the app would send it (the app compares `sent` with its own
      // request before it takes the answer), or null when this script cannot be sure.
      read: quiet(
        Promise.all([context, metadata]).then(function (a) {
          var x = a[0];
          var settings = (a[1] && a[1].settings) || {};
          var id = x["ticket.id"];
          var external = x["ticket.externalId"];
          var timing = window.zendeskHeartTiming;
          var timeout = timing && timing.request_timeout_ms;
          var path = settings.state_path;
          var sure = function (setting) {
            return setting == null || (typeof setting == "string" && plain.test(setting));
          };
          if (typeof external == "number" && Number.isSafeInteger(external) && external >= 0) {
            external = String(external);
          } else if (external == null) {
            external = null;
          } else if (typeof external != "string" || !/[!-~]/.test(external)) {
            return null;
          }
          if (!(Number.isSafeInteger(id) && id > 0) || own(x)) return null;
          if (!sure(path) || !sure(settings.like_path)) return null;
          var options = {
            url:
              K.proxy +
              "?ticket_id=" +
              id +
              "&post_to_path=" +
              encodeURIComponent(path == null ? K.state : path),
            type: "POST",
            contentType: "application/json",
            dataType: "json",
            data: JSON.stringify({ ticket_id: String(id), external_id: external }),
            httpCompleteResponse: true,
            timeout:
              typeof timeout == "number" && timeout % 1 == 0 && timeout >= 0 && timeout <= 1e9
                ? timeout
                : 15000,
          };
          var sent = JSON.stringify(options);
          return { sent: sent, answer: quiet(c.request(options)) };
        })
      ),
    };
  } catch (e) {
    console.warn("zendesk-heart: could not start the ZAF client early", e);
  }
})(HEART_PAGE);
