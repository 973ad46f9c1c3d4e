//! The binary: mounts the app (see [`zendesk_heart::start`]).

fn main() {
    zendesk_heart::start();
}
