//! What the server tests share: one GET on its own connection, as a wall screen's browser or a
//! script would send it.

use std::io::{Read, Write};
use std::net::TcpStream;

/// GET `path` from `addr` with extra header lines: status, head (lower case) and body.
pub fn get(addr: &str, path: &str, headers: &[String]) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}
