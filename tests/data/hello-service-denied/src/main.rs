fn main() {
    println!("hello-service 0.2.0 with {}", openssl_sys::name());
}
