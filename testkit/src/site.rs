//! A static web site on 127.0.0.1 for the widget's tests: a hosting provider's help page that embeds the
//! checker with `embed.js`, served from an origin other than the checker's.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// Serves fixed pages (path → HTML) until the process exits.
pub struct Site {
    pub addr: SocketAddr,
}

impl Site {
    pub fn start(pages: HashMap<String, String>) -> std::io::Result<Site> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let pages = Arc::new(pages);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let pages = Arc::clone(&pages);
                std::thread::spawn(move || {
                    let _ = serve(stream, &pages);
                });
            }
        });
        Ok(Site { addr })
    }

    /// This site's URL for `path` under a host name (`127.0.0.1` or `localhost`: two origins, one server).
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.addr.port())
    }
}

fn serve(stream: TcpStream, pages: &HashMap<String, String>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The headers are not needed; read them so the client sees an orderly close.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or("/");
    let (status, body) = match pages.get(path) {
        Some(page) => ("200 OK", page.as_str()),
        None => ("404 Not Found", "not found"),
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}
