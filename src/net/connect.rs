//! Resolving a host and dialling its addresses in turn within one deadline.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};

use super::error::{ConnectAttempt, NetError};

/// More addresses than this are not tried: no real host needs them, and each costs time.
const MAX_ADDRESSES: usize = 16;

/// Resolves `host` and connects to the first address that answers, all within `limit`.
pub(crate) async fn open(host: &str, port: u16, limit: Duration) -> Result<TcpStream, NetError> {
    let deadline = Instant::now() + limit;
    let addresses: Vec<SocketAddr> =
        match timeout(limit, tokio::net::lookup_host((host, port))).await {
            Err(_) => {
                return Err(NetError::Timeout {
                    host: host.to_owned(),
                    port,
                    operation: "resolving the host name",
                    after: limit,
                });
            }
            Ok(Err(source)) => {
                return Err(NetError::Resolve {
                    host: host.to_owned(),
                    port,
                    source,
                });
            }
            Ok(Ok(found)) => found.take(MAX_ADDRESSES).collect(),
        };
    if addresses.is_empty() {
        return Err(NetError::Resolve {
            host: host.to_owned(),
            port,
            source: io::Error::new(io::ErrorKind::NotFound, "the name has no addresses"),
        });
    }
    open_addresses(host, port, &addresses, deadline, limit).await
}

/// Tries each address in order. Each gets an equal share of the time left, so one address
/// that drops packets cannot use up the time the next ones need.
pub(crate) async fn open_addresses(
    host: &str,
    port: u16,
    addresses: &[SocketAddr],
    deadline: Instant,
    limit: Duration,
) -> Result<TcpStream, NetError> {
    let mut attempts = Vec::with_capacity(addresses.len());
    let mut out_of_time = false;
    for (index, address) in addresses.iter().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            out_of_time = true;
            break;
        }
        let share = left / u32::try_from(addresses.len() - index).unwrap_or(u32::MAX);
        match timeout(share, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => {
                // Commands and replies are small and answered one by one; Nagle's delay
                // would only slow each round trip.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(error)) => attempts.push(ConnectAttempt {
                address: *address,
                error,
            }),
            Err(_) => {
                out_of_time = index + 1 == addresses.len();
                attempts.push(ConnectAttempt {
                    address: *address,
                    error: io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("no answer within {share:?}"),
                    ),
                });
            }
        }
    }
    if out_of_time {
        Err(NetError::ConnectTimeout {
            host: host.to_owned(),
            port,
            after: limit,
            attempts,
        })
    } else {
        Err(NetError::Connect {
            host: host.to_owned(),
            port,
            attempts,
        })
    }
}

/// Asks the kernel to acknowledge what arrives next at once rather than after its
/// delayed-ACK timer.
///
/// Called after each TLS handshake before every poll of a read, until the first
/// application bytes arrive. A TLS 1.3 server sends its session tickets right after the
/// handshake, and then its first answer (the SMTP reply to `EHLO`, or the greeting with
/// implicit TLS). A server that leaves Nagle's algorithm on, as Postfix does, holds that
/// small answer until the tickets are acknowledged; having just sent, this side is in
/// delayed-ACK mode and acknowledges only when its timer fires, about 40 ms later on Linux.
/// Leaving that mode just before reading lets the read that takes in the tickets
/// acknowledge them, so the answer follows at once. Delaying our first command until the
/// tickets arrive would also work, but costs a round trip with every server that sends
/// tickets and answers without Nagle's delay.
///
/// Linux (and Android) only: std offers `TCP_QUICKACK` nowhere else. A failure changes
/// nothing but speed, so it is ignored.
pub(crate) fn acknowledge_promptly(tcp: &TcpStream) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        #[cfg(target_os = "android")]
        use std::os::android::net::TcpStreamExt;
        use std::os::fd::AsFd;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::TcpStreamExt;

        // The option belongs to the socket, so setting it through a duplicate descriptor
        // (closed again at once) sets it for the connection, without unsafe code.
        if let Ok(duplicate) = tcp.as_fd().try_clone_to_owned() {
            let _ = std::net::TcpStream::from(duplicate).set_quickack(true);
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = tcp;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    async fn closed_port() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    }

    #[tokio::test]
    async fn a_refusing_first_address_falls_through_to_the_next() {
        let refused = closed_port().await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let open = listener.local_addr().unwrap();
        let limit = Duration::from_secs(5);
        let stream = open_addresses(
            "mail.test",
            25,
            &[refused, open],
            Instant::now() + limit,
            limit,
        )
        .await
        .unwrap();
        assert_eq!(stream.peer_addr().unwrap(), open);
    }

    #[tokio::test]
    async fn every_failure_is_reported() {
        let first = closed_port().await;
        let second = closed_port().await;
        let limit = Duration::from_secs(5);
        let error = open_addresses(
            "mail.test",
            25,
            &[first, second],
            Instant::now() + limit,
            limit,
        )
        .await
        .unwrap_err();
        let NetError::Connect { attempts, .. } = &error else {
            panic!("expected a connect error, got {error:?}");
        };
        assert_eq!(attempts.len(), 2);
        assert_eq!(attempts[0].error.kind(), io::ErrorKind::ConnectionRefused);
        let message = error.to_string();
        assert!(message.contains("mail.test:25"), "{message}");
        assert!(message.contains(&first.to_string()), "{message}");
        assert!(message.contains(&second.to_string()), "{message}");
    }
}
