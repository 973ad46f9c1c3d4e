//! The mock Instagram, the origin the reference integration acts on: its state
//! ([`MockOrigin`], seeded from the config, in `origin/mock.rs`; what its API does, in
//! `origin/mock/api.rs`) and its HTTP API, a server of its own (`origin/server.rs`), which the
//! integration reaches only over HTTP. Its pages for people are on the host (`origin_web.rs`).

mod mock;
pub mod server;

pub use mock::{ApiCalls, MockOrigin, OriginError, PhotoPage, PhotoView};
