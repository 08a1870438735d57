//! The TinyImage demo workload: a std-only HTTP server on port 3000 (PORT overrides it).
//! `GET /` answers `hello from tinyimage <version>` (`hello again from ...` with the feature `greeting-v2`); `/healthz` answers `ok`; anything else is 404.
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

const VERSION: &str = env!("CARGO_PKG_VERSION");
#[cfg(not(feature = "greeting-v2"))]
const GREETING: &str = "hello";
#[cfg(feature = "greeting-v2")]
const GREETING: &str = "hello again";

fn answer(mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (status, body) = match (method, path) {
        ("GET", "/") => ("200 OK", format!("{} from tinyimage {}\n", GREETING, VERSION)),
        ("GET", "/healthz") => ("200 OK", "ok\n".to_string()),
        _ => ("404 Not Found", "not found\n".to_string()),
    };
    write!(
        stream,
        "HTTP/1.1 {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        status,
        body.len(),
        body
    )?;
    stream.flush()
}

fn main() {
    if std::env::args().any(|a| a == "--version") {
        println!("hello-service {}", VERSION);
        return;
    }
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_string());
    let listener = TcpListener::bind(format!("0.0.0.0:{}", port)).expect("bind");
    println!("hello-service {} listening on {}", VERSION, port);
    for stream in listener.incoming().flatten() {
        thread::spawn(move || {
            let _ = answer(stream);
        });
    }
}
