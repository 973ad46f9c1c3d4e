//! Sessions: page loads from elsewhere, each making a session of its own, do not push the
//! agent's out.

use crate::common::{http, sign_in, start};
use crate::read_62;
use reqwest::Method;
use sandbox::Config;

#[tokio::test]
async fn a_thousand_cookie_less_gets_do_not_sign_the_agent_out() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    // The page's own script uses the session at once.
    assert_eq!(
        agent
            .control(Method::GET, "/sandbox/faults", None)
            .await
            .status(),
        200
    );
    // Any page can load the ticket page as an image: no cookie goes along, each makes a session.
    let page = format!("{}/agent/tickets/62", agent.host);
    for _ in 0..1_000 {
        let r = http().get(&page).send().await.expect("page");
        assert!(r.headers().get("set-cookie").is_some());
    }
    let a = read_62(&agent).await;
    assert_eq!(a.status, 200, "the agent is still signed in: {}", a.json);
    assert_eq!(
        agent
            .control(Method::GET, "/sandbox/log", None)
            .await
            .status(),
        200
    );
    // Another agent signs in as before.
    let other = sign_in(&sandbox).await;
    let a = read_62(&other).await;
    assert_eq!(a.status, 200, "{}", a.json);
}
