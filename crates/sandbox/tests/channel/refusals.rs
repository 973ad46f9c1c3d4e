//! What the reference integration refuses: photos neither the account's own nor mentioning it,
//! an instance other than the ticket's own, clickthroughs to unknown photos, and any certificate
//! but the sandbox's.

use crate::PHOTO_65;
use crate::common::{PHOTO_62, http, https, sign_in, start};
use sandbox::Config;
use sandbox::config::{OMNIWEAR_TOKEN, OUTDOOR_TOKEN};
use serde_json::{Value, json};

const OTHERS_PHOTO: &str = "ig:17900000000000042";
const MENTIONED_PHOTO: &str = "ig:17870000000000077";

#[tokio::test]
async fn the_service_acts_only_on_the_accounts_own_or_mentioned_photos() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let before = sandbox
        .instagram
        .photo("omniwear", OTHERS_PHOTO)
        .expect("photo");
    for path in ["/like", "/like_state"] {
        let a = agent
            .proxy(
                62,
                path,
                json!({"ticket_id": "62", "external_id": OTHERS_PHOTO, "liked": true}),
            )
            .await;
        assert_eq!(
            (a.status, a.json["error"].clone()),
            (404, json!("photo_not_found")),
            "{path}: {}",
            a.json
        );
    }
    let after = sandbox
        .instagram
        .photo("omniwear", OTHERS_PHOTO)
        .expect("photo");
    assert_eq!(after, before, "nothing changed on the origin");
    // The origin itself takes the like (its API lets an account like any photo): the refusal
    // is the integration's.
    let put = http()
        .put(format!(
            "{}/v1/accounts/omniwear/media/{OTHERS_PHOTO}/like",
            sandbox.instagram_url()
        ))
        .bearer_auth(OMNIWEAR_TOKEN)
        .send()
        .await
        .expect("the origin's API");
    assert_eq!(put.status(), 200);
    assert!(
        sandbox
            .instagram
            .photo("omniwear", OTHERS_PHOTO)
            .expect("photo")
            .liked
    );
    // A photo that mentions the account is fair game.
    let a = agent
        .proxy(
            62,
            "/like",
            json!({"ticket_id": "62", "external_id": MENTIONED_PHOTO, "liked": true}),
        )
        .await;
    assert_eq!(
        (a.status, a.json["liked"].clone()),
        (200, json!(true)),
        "{}",
        a.json
    );
}

#[tokio::test]
async fn the_proxy_sends_the_tickets_own_instance_and_nothing_for_others() {
    let sandbox = start(Config::default()).await;
    let agent = sign_in(&sandbox).await;
    let a = agent
        .proxy(
            65,
            "/like_state",
            json!({"ticket_id": "65", "external_id": PHOTO_65}),
        )
        .await;
    assert_eq!(a.status, 401);
    // Ticket 65's own instance went along (its revoked token is why the origin refused).
    let outdoor = sandbox
        .channel
        .desk
        .instance_named("Omniwear Outdoor")
        .expect("Outdoor");
    let call = sandbox.log.proxy_calls().pop().expect("proxied call");
    assert_eq!(call.instance, Some(outdoor.id));
    let meta: Value = serde_json::from_str(&outdoor.metadata).expect("json");
    assert_eq!(
        meta,
        json!({"account": "omniwear-outdoor", "token": OUTDOOR_TOKEN, "handle": "@omniwear-outdoor"})
    );
    let got = sandbox.log.service_calls().pop().expect("service call");
    assert_eq!(
        got.instance_metadata.as_deref(),
        Some(sandbox::redact::REDACTED)
    );
    let a = agent
        .proxy(63, "/like_state", json!({"ticket_id": "63"}))
        .await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (404, json!(heart_contract::NO_INSTANCE_ERROR))
    );
}

#[tokio::test]
async fn clickthrough_leads_to_the_photo_on_the_origin() {
    let sandbox = start(Config::default()).await;
    let client = https(&sandbox);
    let r = client
        .get(format!("{}/clickthrough", sandbox.integration_url()))
        .query(&[("external_id", PHOTO_62)])
        .send()
        .await
        .expect("clickthrough");
    assert!(r.status().is_redirection());
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    // Instagram's address for the photo, which leads to its page.
    assert_eq!(
        location,
        format!("{}/p/ig%3A17895695668004550/", sandbox.instagram_url())
    );
    let page = reqwest::Client::new()
        .get(&location)
        .send()
        .await
        .expect("photo page");
    assert_eq!(
        page.url().as_str(),
        format!("{}/sandbox/origin/photos/{PHOTO_62}", sandbox.host_url())
    );
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("Do you ship the red runners to Norway?")
    );
    for (id, status) in [("ig:nope", 404), ("ig:1/../x", 404), ("", 404)] {
        let r = client
            .get(format!("{}/clickthrough", sandbox.integration_url()))
            .query(&[("external_id", id)])
            .send()
            .await
            .expect("clickthrough");
        let status_after = if r.status().is_redirection() {
            let to = r.headers()["location"]
                .to_str()
                .expect("location")
                .to_owned();
            http()
                .get(to)
                .send()
                .await
                .expect("follow")
                .status()
                .as_u16()
        } else {
            r.status().as_u16()
        };
        assert_eq!(status_after, status, "{id:?}");
    }
    // Nothing but the sandbox's own certificate is trusted, and its client trusts nothing else.
    let plain = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .expect("client");
    assert!(plain.get(sandbox.manifest_url()).send().await.is_err());
}
