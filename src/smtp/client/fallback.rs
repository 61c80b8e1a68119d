//! Trying a provider's endpoints in order, as its own troubleshooting advice says.

use core::fmt;

use super::config::ClientBuilder;
use super::error::{Error, Phase};
use super::session::Client;
use crate::provider::Endpoint;

/// How a connection through [`connect_with_fallback`] came about: which endpoint worked
/// and why the ones before it did not.
#[derive(Debug)]
#[non_exhaustive]
pub struct FallbackReport {
    /// The endpoint the session runs on.
    pub used: Endpoint,
    /// Endpoints tried before it, with their failures.
    pub failed: Vec<(Endpoint, Error)>,
}

impl fmt::Display for FallbackReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (endpoint, error) in &self.failed {
            writeln!(
                f,
                "{}:{} with {} failed: {error}",
                endpoint.host, endpoint.port, endpoint.security
            )?;
        }
        write!(
            f,
            "connected to {}:{} with {} ({})",
            self.used.host, self.used.port, self.used.security, self.used.advice
        )
    }
}

/// Every endpoint failed; the errors are in the order tried.
#[derive(Debug)]
#[non_exhaustive]
pub struct FallbackError {
    /// Each endpoint with the error it gave.
    pub attempts: Vec<(Endpoint, Error)>,
}

impl fmt::Display for FallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.attempts.as_slice() {
            [] => f.write_str("no endpoint to try"),
            [(_, only)] => write!(f, "{only}"),
            attempts => {
                f.write_str("every way to reach the server failed: ")?;
                for (index, (endpoint, error)) in attempts.iter().enumerate() {
                    if index > 0 {
                        f.write_str("; then ")?;
                    }
                    write!(f, "{} ({}): {error}", endpoint.port, endpoint.security)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for FallbackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.attempts
            .last()
            .map(|(_, error)| error as &(dyn std::error::Error + 'static))
    }
}

/// Connects to the first of `endpoints` that works, applying `configure` to each
/// attempt's builder (credentials, TLS roots, timeouts…).
///
/// An endpoint is skipped only for failures another endpoint may not have: the network,
/// TLS, a refused or missing STARTTLS, an unreadable greeting. A refused password or a
/// bad argument would fail everywhere the same way, so it ends the search at once.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use mailwire::provider::ICLOUD;
/// use mailwire::sasl::Credentials;
/// use mailwire::smtp::connect_with_fallback;
///
/// let password = std::env::var("MAILWIRE_PASSWORD")?;
/// let (client, report) = connect_with_fallback(ICLOUD.smtp, |builder| {
///     builder.credentials(Credentials::new("name@icloud.com", password.clone()).unwrap())
/// })
/// .await?;
/// println!("{report}");
/// client.quit().await?;
/// # Ok(()) }
/// ```
pub async fn connect_with_fallback(
    endpoints: &[Endpoint],
    configure: impl Fn(ClientBuilder) -> ClientBuilder,
) -> Result<(Client, FallbackReport), FallbackError> {
    let mut failed = Vec::new();
    for endpoint in endpoints {
        let builder =
            configure(ClientBuilder::new(endpoint.host, endpoint.port)).security(endpoint.security);
        match builder.connect().await {
            Ok(client) => {
                return Ok((
                    client,
                    FallbackReport {
                        used: *endpoint,
                        failed,
                    },
                ));
            }
            Err(error) => {
                let next_may_work = another_endpoint_may_work(&error);
                failed.push((*endpoint, error));
                if !next_may_work {
                    break;
                }
            }
        }
    }
    Err(FallbackError { attempts: failed })
}

fn another_endpoint_may_work(error: &Error) -> bool {
    match error {
        Error::Net { .. } | Error::StartTlsNotOffered { .. } | Error::DeadlineExceeded { .. } => {
            true
        }
        Error::Protocol { phase, .. } | Error::Rejected { phase, .. } => {
            matches!(phase, Phase::Greeting | Phase::Ehlo | Phase::StartTls)
        }
        _ => false,
    }
}
