//! The IMAP client against the real Dovecot of `scripts/test-servers`, in both TLS modes
//! (implicit TLS and STARTTLS): connect, log in, capabilities, NOOP, ID, ENABLE, LOGOUT.

// Only the real servers' settings: the rest of `support` needs the `testing` feature.
#[path = "support/servers.rs"]
mod servers;

use mailwire::imap::{ClientBuilder, Credentials, Error, Security};
use mailwire::net::TranscriptLog;
use servers::{Servers, sent_text};

/// user1 at Dovecot with `password`, every byte kept in the returned log.
fn builder(
    servers: &Servers,
    security: Security,
    password: &str,
) -> (ClientBuilder, TranscriptLog) {
    let log = TranscriptLog::new();
    let builder = servers
        .imap(security)
        .credentials(
            Credentials::new(servers.user1.address.clone(), password)
                .expect("test credentials are valid"),
        )
        .transcript(log.clone());
    (builder, log)
}

async fn full_session(security: Security) {
    let servers = Servers::get();
    let password = servers.user1.password.clone();
    let (builder, log) = builder(&servers, security, &password);
    let mut client = builder
        .id(vec![("name".into(), "mailwire-test".into())])
        .connect()
        .await
        .expect("login to Dovecot");
    assert!(client.is_usable());
    // Dovecot advertises these once logged in (its tagged OK carries them).
    for capability in [
        "IMAP4rev1",
        "IDLE",
        "ENABLE",
        "CONDSTORE",
        "UIDPLUS",
        "MOVE",
        "ID",
    ] {
        assert!(
            client.has_capability(capability),
            "{capability} missing from {:?}",
            client.capabilities()
        );
    }
    // Capabilities learnt before login (AUTH=..., LOGINDISABLED) are gone.
    assert!(!client.has_capability("STARTTLS") || security == Security::ImplicitTls);
    assert!(
        client
            .capabilities()
            .iter()
            .all(|c| c.auth_mechanism().is_none())
    );

    let events = client.noop().await.expect("NOOP");
    assert!(events.is_empty(), "{events:?}");

    let answer = client
        .id(&[("name".into(), "mailwire".into())])
        .await
        .expect("ID");
    assert!(
        answer
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("name")),
        "{answer:?}"
    );

    let enabled = client.enable(&["CONDSTORE"]).await.expect("ENABLE");
    assert!(
        enabled.iter().any(|c| c.to_string() == "CONDSTORE"),
        "{enabled:?}"
    );
    assert!(client.is_enabled("CONDSTORE"));

    client.logout().await.expect("LOGOUT");
    let sent = sent_text(&log);
    assert!(
        !sent.contains(&password),
        "the password is in the transcript"
    );
    assert!(sent.contains("LOGOUT\r\n"), "{sent}");
    if security == Security::StartTls {
        assert!(sent.contains(" STARTTLS\r\n"), "{sent}");
    }
}

#[tokio::test]
async fn dovecot_session_over_implicit_tls() {
    full_session(Security::ImplicitTls).await;
}

#[tokio::test]
async fn dovecot_session_over_starttls() {
    full_session(Security::StartTls).await;
}

#[tokio::test]
async fn dovecot_refuses_a_wrong_password_as_wrong_credentials() {
    let servers = Servers::get();
    for security in [Security::ImplicitTls, Security::StartTls] {
        let (builder, log) = builder(&servers, security, "not-the-password");
        let error = builder.connect().await.expect_err("a wrong password fails");
        assert!(
            matches!(&error, Error::WrongCredentials { hint: None, .. }),
            "{error:?}"
        );
        assert!(!error.is_retryable());
        assert!(error.to_string().contains("refused"), "{error}");
        assert!(!sent_text(&log).contains("not-the-password"));
    }
}
