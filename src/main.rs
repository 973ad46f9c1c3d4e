fn main() {
    zendesk_heart::start();
}
