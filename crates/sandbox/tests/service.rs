//! The reference integration service over real HTTP on loopback, as Zendesk's proxy calls it.

mod common;

use common::{PHOTO_62, PHOTO_64, answer, https, start};
use sandbox::Config;
use sandbox::config::OMNIWEAR_TOKEN;
use serde_json::json;

fn metadata(token: &str) -> String {
    json!({"account": "omniwear", "token": token}).to_string()
}

async fn post_form(
    sandbox: &sandbox::Sandbox,
    path: &str,
    instance_metadata: &str,
    client_data: &str,
) -> common::Answer {
    let r = https(sandbox)
        .post(format!("{}{path}", sandbox.integration_url()))
        .form(&[
            ("instance_metadata", instance_metadata),
            ("client_data", client_data),
        ])
        .send()
        .await
        .expect("service answers");
    answer(r).await
}

#[tokio::test]
async fn the_manifest_advertises_the_public_url() {
    let sandbox = start(Config::default()).await;
    let r = https(&sandbox)
        .get(sandbox.manifest_url())
        .send()
        .await
        .expect("manifest");
    let a = answer(r).await;
    assert_eq!(a.status, 200);
    let base = sandbox.integration_url();
    for (key, path) in [
        ("admin_ui", "admin_ui"),
        ("pull_url", "pull"),
        ("clickthrough_url", "clickthrough"),
        ("healthcheck_url", "healthcheck"),
    ] {
        assert_eq!(a.json["urls"][key], format!("{base}/{path}"), "{key}");
    }
    assert!(a.json["name"].is_string() && a.json["id"].is_string());
}

#[tokio::test]
async fn reads_and_sets_the_like_as_the_business_account() {
    let sandbox = start(Config::default()).await;
    let meta = metadata(OMNIWEAR_TOKEN);
    let state = json!({"ticket_id": "62", "external_id": PHOTO_62}).to_string();
    let a = post_form(&sandbox, "/like_state", &meta, &state).await;
    assert_eq!(
        (a.status, a.json.clone()),
        (
            200,
            json!({"liked": false, "like_count": 41, "account": "@omniwear"})
        )
    );

    let like = json!({"ticket_id": "62", "external_id": PHOTO_62, "liked": true}).to_string();
    let a = post_form(&sandbox, "/like", &meta, &like).await;
    assert_eq!(
        (a.status, a.json.clone()),
        (
            200,
            json!({"liked": true, "like_count": 42, "account": "@omniwear"})
        )
    );
    let photo = sandbox.origin.photo("omniwear", PHOTO_62).expect("photo");
    assert!(photo.liked);
    assert_eq!(photo.like_count, 42);

    let unlike = json!({"ticket_id": "64", "external_id": PHOTO_64, "liked": false}).to_string();
    let a = post_form(&sandbox, "/like", &meta, &unlike).await;
    assert_eq!(
        (a.status, a.json.clone()),
        (
            200,
            json!({"liked": false, "like_count": 127, "account": "@omniwear"})
        )
    );
}

#[tokio::test]
async fn answers_name_the_instances_account_as_stored() {
    let sandbox = start(Config::default()).await;
    let state = json!({"ticket_id": "62", "external_id": PHOTO_62}).to_string();
    // The admin's setup may store a display handle; the service sends it as it is (the app
    // reads it as plain text), however odd.
    let odd = "\u{202E}<b>Omniwear</b> \u{200B}";
    let meta = json!({"account": "omniwear", "token": OMNIWEAR_TOKEN, "handle": odd}).to_string();
    let a = post_form(&sandbox, "/like_state", &meta, &state).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json["account"], odd);
    let like = json!({"ticket_id": "62", "external_id": PHOTO_62, "liked": true}).to_string();
    let a = post_form(&sandbox, "/like", &meta, &like).await;
    assert_eq!(
        (a.status, a.json),
        (
            200,
            json!({"liked": true, "like_count": 42, "account": odd})
        )
    );
    // An empty handle: the answers name no account.
    let meta = json!({"account": "omniwear", "token": OMNIWEAR_TOKEN, "handle": ""}).to_string();
    let a = post_form(&sandbox, "/like_state", &meta, &state).await;
    assert_eq!(
        (a.status, a.json),
        (200, json!({"liked": true, "like_count": 42}))
    );
}

#[tokio::test]
async fn accepts_the_same_fields_as_json() {
    let sandbox = start(Config::default()).await;
    let r = https(&sandbox)
        .post(format!("{}/like_state", sandbox.integration_url()))
        .header("Content-Type", "application/json")
        .body(
            json!({
                "instance_metadata": metadata(OMNIWEAR_TOKEN),
                "client_data": json!({"ticket_id": "64", "external_id": PHOTO_64}).to_string(),
            })
            .to_string(),
        )
        .send()
        .await
        .expect("service");
    let a = answer(r).await;
    assert_eq!(
        (a.status, a.json),
        (
            200,
            json!({"liked": true, "like_count": 128, "account": "@omniwear"})
        )
    );
}

#[tokio::test]
async fn refuses_with_a_status_and_a_json_error() {
    let sandbox = start(Config::default()).await;
    let good = metadata(OMNIWEAR_TOKEN);
    let state = json!({"ticket_id": "62", "external_id": PHOTO_62}).to_string();
    let cases: Vec<(&str, String, String, u16, &str)> = vec![
        (
            "/like_state",
            metadata("wrong"),
            state.clone(),
            401,
            "unauthorized",
        ),
        (
            "/like_state",
            "not json".into(),
            state.clone(),
            401,
            "unauthorized",
        ),
        (
            "/like_state",
            "{}".into(),
            state.clone(),
            401,
            "unauthorized",
        ),
        (
            "/like_state",
            good.clone(),
            json!({"ticket_id": "62", "external_id": "ig:0"}).to_string(),
            404,
            "photo_not_found",
        ),
        (
            "/like_state",
            good.clone(),
            json!({"ticket_id": "62", "external_id": null}).to_string(),
            404,
            "photo_not_found",
        ),
        (
            "/like_state",
            good.clone(),
            "{".into(),
            400,
            "invalid_client_data",
        ),
        (
            "/like_state",
            good.clone(),
            "".into(),
            400,
            "invalid_client_data",
        ),
        (
            "/like",
            good.clone(),
            json!({"ticket_id": "62", "external_id": PHOTO_62, "liked": "maybe"}).to_string(),
            400,
            "invalid_client_data",
        ),
        (
            "/like",
            good.clone(),
            json!({"ticket_id": "62", "external_id": PHOTO_62}).to_string(),
            400,
            "invalid_client_data",
        ),
    ];
    for (path, meta, data, status, error) in cases {
        let a = post_form(&sandbox, path, &meta, &data).await;
        assert_eq!(a.status, status, "{path} {meta} {data}: {}", a.json);
        assert_eq!(a.json["error"], error, "{path} {meta} {data}");
        assert!(a.json["description"].is_string(), "{}", a.json);
    }
    // Nothing was liked by any of that.
    assert!(
        !sandbox
            .origin
            .photo("omniwear", PHOTO_62)
            .expect("photo")
            .liked
    );

    let r = https(&sandbox)
        .post(format!("{}/like_state", sandbox.integration_url()))
        .body("instance_metadata=x")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("service");
    let a = answer(r).await;
    assert_eq!(
        (a.status, a.json["error"].clone()),
        (400, json!("invalid_request"))
    );

    let r = https(&sandbox)
        .post(format!("{}/like_state", sandbox.integration_url()))
        .body("hello")
        .header("Content-Type", "text/plain")
        .send()
        .await
        .expect("service");
    assert_eq!(answer(r).await.status, 415);
}

#[tokio::test]
async fn the_request_log_shows_what_arrived_cookies_included() {
    // What makes "the proxy forwards no cookie" a real check: the log would show one.
    let sandbox = start(Config::default()).await;
    let r = https(&sandbox)
        .post(format!("{}/like_state", sandbox.integration_url()))
        .header("Cookie", "_zendesk_session=abc")
        .form(&[("instance_metadata", "{}"), ("client_data", "{}")])
        .send()
        .await
        .expect("service");
    assert_eq!(answer(r).await.status, 401);
    let calls = sandbox.log.service_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].cookie.as_deref(), Some("_zendesk_session=abc"));
    assert_eq!(calls[0].client_data.as_deref(), Some("{}"));
    assert_eq!(calls[0].status, 401);
}
