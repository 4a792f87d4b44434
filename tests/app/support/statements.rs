//! Counts the SQL statements the server sends, on the wire: a proxy between the application and
//! PostgreSQL that reads the frontend's protocol messages. Every Execute of the extended
//! protocol is a statement, and a simple Query counts one per statement it holds (BEGIN and the
//! scope settings travel together that way). BEGIN, COMMIT and set_config all count; pings
//! (Sync alone) do not.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UnixStream};

/// A running proxy and its count.
#[derive(Clone)]
pub struct StatementCounter {
    count: Arc<AtomicU64>,
    port: u16,
}

impl StatementCounter {
    /// Starts a proxy in front of the server `target` (a local cluster's Unix socket).
    pub async fn start(target: &PgConnectOptions) -> StatementCounter {
        let socket: PathBuf = target
            .get_socket()
            .expect("the test cluster listens on a Unix socket")
            .join(format!(".s.PGSQL.{}", target.get_port()));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let port = listener.local_addr().expect("address").port();
        let count = Arc::new(AtomicU64::new(0));
        let counted = count.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (socket, counted) = (socket.clone(), counted.clone());
                tokio::spawn(async move {
                    if let Ok(server) = UnixStream::connect(&socket).await {
                        relay(client, server, counted).await;
                    }
                });
            }
        });
        StatementCounter { count, port }
    }

    /// `options` pointed at the proxy (TCP, no TLS: the proxy reads the messages).
    pub fn options(&self, options: PgConnectOptions) -> PgConnectOptions {
        let mut proxied = PgConnectOptions::new_without_pgpass()
            .host("127.0.0.1")
            .port(self.port)
            .username(options.get_username())
            .ssl_mode(PgSslMode::Disable);
        if let Some(database) = options.get_database() {
            proxied = proxied.database(database);
        }
        proxied
    }

    pub fn total(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }
}

async fn relay(client: TcpStream, server: UnixStream, count: Arc<AtomicU64>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let answers = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    });
    let mut pending: Vec<u8> = Vec::new();
    let mut started = false;
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match client_read.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if server_write.write_all(&chunk[..n]).await.is_err() {
            break;
        }
        pending.extend_from_slice(&chunk[..n]);
        started = consume(&mut pending, started, &count);
    }
    answers.abort();
}

/// Counts the complete messages at the front of `pending` and removes them; returns whether the
/// startup message (the one without a type byte) has been seen.
fn consume(pending: &mut Vec<u8>, mut started: bool, count: &AtomicU64) -> bool {
    let mut at = 0;
    loop {
        let rest = &pending[at..];
        if !started {
            let Some(len) = rest.get(..4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize) else { break };
            if rest.len() < len {
                break;
            }
            at += len;
            started = true;
            continue;
        }
        let Some(len) = rest.get(1..5).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize) else { break };
        if rest.len() < 1 + len {
            break;
        }
        match rest[0] {
            b'E' => {
                count.fetch_add(1, Ordering::SeqCst);
            }
            b'Q' => {
                let sql = String::from_utf8_lossy(&rest[5..1 + len]);
                let statements =
                    sql.split(';').filter(|s| !s.trim_matches(|c: char| c.is_whitespace() || c == '\0').is_empty());
                count.fetch_add(statements.count() as u64, Ordering::SeqCst);
            }
            _ => {}
        }
        at += 1 + len;
    }
    pending.drain(..at);
    started
}
