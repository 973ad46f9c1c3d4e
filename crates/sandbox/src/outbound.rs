//! What Zendesk's side reads of the answers to its own calls (the proxy, the manifest, the admin
//! UI exchange, pulls): never more than a cap. Every such call also has a deadline: the client's
//! (`integration_timeout_ms`), or the proxy's own (`proxy_timeout_ms`); a failed one is said in
//! a person's words ([`describe`]).

use axum::body::Bytes;

/// The most the proxy reads of an integration's answer (Zendesk's own bound is not published;
/// this one keeps the documented "a 10 MB answer" working).
pub const MAX_PROXY_ANSWER: usize = 16 * 1024 * 1024;
/// The most a pull's answer may be: 256 resources of 65,535 characters fit in it when they are
/// mostly ASCII.
pub const MAX_PULL_ANSWER: usize = 16 * 1024 * 1024;
/// The most a page of the integration's admin UI (or the `return_url`'s answer) may be.
pub const MAX_PAGE: usize = 1024 * 1024;

/// Why an answer could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Longer than the cap (said by `Content-Length`, or found while reading).
    TooLarge { cap: usize },
    /// The connection failed or the deadline passed while reading.
    Failed(reqwest::Error),
}

impl ReadError {
    /// Whether the deadline passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Failed(e) if e.is_timeout())
    }

    /// In a person's words.
    pub fn describe(&self) -> String {
        match self {
            Self::TooLarge { cap } => format!("the answer is over {}", size(*cap)),
            Self::Failed(e) => describe(e),
        }
    }
}

/// An HTTP client error in a person's words, with the cause (e.g. the certificate).
pub fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// `16 MiB`, `64 KiB`, `512 bytes`.
pub fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads the answer's body, at most `cap` bytes: a longer one is refused without reading the
/// rest (or any of it, when `Content-Length` says so).
pub async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Bytes, ReadError> {
    if response
        .content_length()
        .is_some_and(|n| n > u64::try_from(cap).unwrap_or(u64::MAX))
    {
        return Err(ReadError::TooLarge { cap });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Failed)? {
        if body.len() + chunk.len() > cap {
            return Err(ReadError::TooLarge { cap });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;

    use super::*;

    /// Serves `/sized/{n}` (n bytes, with their length) and `/chunked/{n}` (n chunks of 64 KiB,
    /// without a length) on loopback.
    async fn server() -> String {
        let router =
            axum::Router::new()
                .route(
                    "/sized/{n}",
                    get(
                        |axum::extract::Path(n): axum::extract::Path<usize>| async move {
                            vec![b'x'; n]
                        },
                    ),
                )
                .route(
                    "/chunked/{n}",
                    get(
                        |axum::extract::Path(n): axum::extract::Path<usize>| async move {
                            let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
                            let chunks =
                                (0..n).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
                            Body::from_stream(futures_util::stream::iter(chunks))
                        },
                    ),
                );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listener");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn answers_are_read_up_to_the_cap_with_or_without_a_length() {
        let base = server().await;
        let client = reqwest::Client::new();
        let get = |path: String| {
            let client = client.clone();
            async move { client.get(path).send().await.expect("answer") }
        };
        let cap = 1024 * 1024;
        let sized = read_capped(get(format!("{base}/sized/{cap}")).await, cap).await;
        assert_eq!(sized.map(|b| b.len()).ok(), Some(cap));
        let over = read_capped(get(format!("{base}/sized/{}", cap + 1)).await, cap).await;
        assert!(matches!(over, Err(ReadError::TooLarge { cap: c }) if c == cap));
        let chunked = read_capped(get(format!("{base}/chunked/16")).await, cap).await;
        assert_eq!(chunked.map(|b| b.len()).ok(), Some(cap));
        let endless = read_capped(get(format!("{base}/chunked/1000")).await, cap).await;
        assert!(matches!(endless, Err(ReadError::TooLarge { .. })));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(MAX_PROXY_ANSWER), "16 MiB");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(1000), "1000 bytes");
        assert_eq!(
            ReadError::TooLarge { cap: MAX_PAGE }.describe(),
            "the answer is over 1 MiB"
        );
    }
}
