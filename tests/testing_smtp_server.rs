//! The test SMTP server, driven by transcripts: each line the client sends, and the reply
//! it must get.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mailwire::limits::Limits;
use mailwire::net::{ConnectOptions, Connection, NetError};
use mailwire::smtp::codec::{
    Capabilities, EnhancedCode, OwnedReply, Parsed, ReplyCode, parse_reply,
};
use mailwire::testing::demo::{demo_client_tls, demo_server_config};
use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GREETING: &str = "220 localhost ESMTP mailwire test server";

/// A client that reads whole replies with the codec and compares them as a person would
/// quote them: `250 2.1.0 Ok`.
struct Client {
    connection: Connection,
}

fn options() -> ConnectOptions {
    ConnectOptions::default()
        .with_tls(demo_client_tls())
        .with_read_timeout(Duration::from_secs(5))
        .with_write_timeout(Duration::from_secs(5))
}

impl Client {
    async fn connect(server: &SmtpServer) -> Client {
        let connection = Connection::connect("127.0.0.1", server.port(), &options())
            .await
            .unwrap();
        let mut client = Client { connection };
        client.expect(GREETING).await;
        client
    }

    async fn reply(&mut self) -> OwnedReply {
        loop {
            match parse_reply(self.connection.buffered(), &Limits::default()).unwrap() {
                Parsed::Complete(reply, consumed) => {
                    let reply = reply.to_owned();
                    self.connection.consume(consumed);
                    return reply;
                }
                Parsed::Incomplete => {
                    self.connection.fill().await.unwrap();
                }
            }
        }
    }

    async fn expect(&mut self, expected: &str) {
        let reply = self.reply().await;
        assert_eq!(reply.to_string(), expected);
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.connection.write_all(bytes).await.unwrap();
    }

    /// Sends one command line and checks the reply.
    async fn says(&mut self, command: &str, expected: &str) {
        self.send(format!("{command}\r\n").as_bytes()).await;
        let reply = self.reply().await;
        assert_eq!(reply.to_string(), expected, "the reply to {command}");
    }

    /// MAIL FROM alice, RCPT TO bob, DATA: each accepted.
    async fn start_message(&mut self) {
        self.says("MAIL FROM:<alice@example.test>", "250 2.1.0 Ok")
            .await;
        self.says("RCPT TO:<bob@example.net>", "250 2.1.5 Ok").await;
        self.says("DATA", "354 End data with <CR><LF>.<CR><LF>")
            .await;
    }

    async fn ehlo(&mut self) -> Capabilities<'static> {
        self.send(b"EHLO client.example\r\n").await;
        let reply = self.reply().await;
        assert_eq!(reply.code, ReplyCode::OK, "{reply}");
        let mut wire = Vec::new();
        reply.encode(&mut wire);
        let Parsed::Complete(reply, _) = parse_reply(&wire, &Limits::default()).unwrap() else {
            panic!("a whole reply re-encodes to a whole reply");
        };
        Capabilities::from_ehlo(&reply).unwrap().into_owned()
    }

    async fn starttls(&mut self) {
        self.says("STARTTLS", "220 2.0.0 Ready to start TLS").await;
        self.connection.upgrade().await.unwrap();
    }

    /// The server has closed: the next read finds the end of the stream.
    async fn closed(&mut self) {
        let error = self.connection.fill().await.unwrap_err();
        assert!(
            matches!(error, NetError::Closed { .. }),
            "expected the server to close, got {error:?}"
        );
    }
}

fn plain(user: &str, password: &str) -> String {
    STANDARD.encode(format!("\0{user}\0{password}"))
}

fn base64(text: &str) -> String {
    STANDARD.encode(text)
}

const USER: &str = "alice@example.test";
const PASSWORD: &str = "abcd-efgh-ijkl-mnop";

#[tokio::test]
async fn starttls_then_auth_plain_then_a_dot_stuffed_message() {
    let server = SmtpServer::start(
        SmtpServerConfig::starttls(demo_server_config())
            .with_user(USER, PASSWORD)
            .with_size_limit(10_000),
    )
    .await
    .unwrap();
    let mut client = Client::connect(&server).await;

    let before_tls = client.ehlo().await;
    assert!(before_tls.starttls);
    assert_eq!(
        before_tls.mechanisms().count(),
        0,
        "no AUTH offered in clear"
    );
    client.starttls().await;
    let after_tls = client.ehlo().await;
    assert!(!after_tls.starttls);
    assert_eq!(
        after_tls.mechanisms().collect::<Vec<_>>(),
        ["PLAIN", "LOGIN"]
    );
    assert_eq!(after_tls.size, Some(10_000));
    assert!(after_tls.pipelining && after_tls.enhanced_status_codes && after_tls.smtp_utf8);

    client
        .says(
            &format!("AUTH PLAIN {}", plain(USER, PASSWORD)),
            "235 2.7.0 Authentication successful",
        )
        .await;
    client
        .says("MAIL FROM:<alice@example.test> SIZE=80", "250 2.1.0 Ok")
        .await;
    client
        .says("RCPT TO:<bob@example.net>", "250 2.1.5 Ok")
        .await;
    client
        .says("DATA", "354 End data with <CR><LF>.<CR><LF>")
        .await;
    client
        .send(b"Subject: dots\r\n\r\n..leading dot\r\n...\r\nlast\r\n.\r\n")
        .await;
    client.expect("250 2.0.0 Ok: queued as 1").await;
    client.says("QUIT", "221 2.0.0 Bye").await;
    client.closed().await;

    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.sender, "alice@example.test");
    assert_eq!(mail.recipients, ["bob@example.net"]);
    assert_eq!(
        mail.data,
        b"Subject: dots\r\n\r\n.leading dot\r\n..\r\nlast\r\n"
    );
    assert_eq!(mail.authenticated_as.as_deref(), Some(USER));
    assert!(mail.tls);
    assert_eq!(mail.params, [("SIZE".to_owned(), Some("80".to_owned()))]);
}

#[tokio::test]
async fn auth_and_mail_need_starttls_first_and_ehlo_again_after_it() {
    let server = SmtpServer::start(
        SmtpServerConfig::starttls(demo_server_config()).with_user(USER, PASSWORD),
    )
    .await
    .unwrap();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;
    client
        .says(
            &format!("AUTH PLAIN {}", plain(USER, PASSWORD)),
            "530 5.7.0 Must issue a STARTTLS command first",
        )
        .await;
    client
        .says(
            "MAIL FROM:<alice@example.test>",
            "530 5.7.0 Must issue a STARTTLS command first",
        )
        .await;
    client.starttls().await;
    // RFC 3207: the EHLO before TLS is forgotten.
    client
        .says(
            "MAIL FROM:<alice@example.test>",
            "503 5.5.1 Error: send HELO/EHLO first",
        )
        .await;
    client.ehlo().await;
    client
        .says(
            "MAIL FROM:<alice@example.test>",
            "530 5.7.0 Authentication required",
        )
        .await;
    client
        .says("STARTTLS", "554 5.5.1 Error: TLS already active")
        .await;
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn commands_sent_with_starttls_in_one_write_are_dropped() {
    let server = SmtpServer::start(SmtpServerConfig::starttls(demo_server_config()))
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;
    // The injection attack: plain-text commands behind STARTTLS must not be run as if
    // they had come through TLS.
    client
        .send(b"STARTTLS\r\nMAIL FROM:<mallory@example.test>\r\n")
        .await;
    client.expect("220 2.0.0 Ready to start TLS").await;
    client.connection.upgrade().await.unwrap();
    client.says("NOOP", "250 2.0.0 Ok").await;
    client
        .says(
            "RCPT TO:<bob@example.net>",
            "503 5.5.1 Error: need MAIL command",
        )
        .await;
}

#[tokio::test]
async fn a_wrong_password_is_535_and_mail_stays_refused() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext().with_user(USER, PASSWORD))
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    let capabilities = client.ehlo().await;
    assert_eq!(
        capabilities.mechanisms().collect::<Vec<_>>(),
        ["PLAIN", "LOGIN"],
        "plaintext offers AUTH in clear"
    );
    client
        .says(
            &format!("AUTH PLAIN {}", plain(USER, "wrong")),
            "535 5.7.8 Authentication credentials invalid",
        )
        .await;
    client
        .says(
            &format!("AUTH PLAIN {}", plain("mallory@example.test", PASSWORD)),
            "535 5.7.8 Authentication credentials invalid",
        )
        .await;
    client
        .says(
            "MAIL FROM:<alice@example.test>",
            "530 5.7.0 Authentication required",
        )
        .await;
    client
        .says(
            "AUTH CRAM-MD5",
            "504 5.5.4 Error: unsupported authentication mechanism",
        )
        .await;
    client
        .says("AUTH PLAIN !!!", "501 5.5.4 Syntax error: the initial response is not base64 text; encode the SASL data before sending it")
        .await;
}

#[tokio::test]
async fn auth_login_prompts_for_user_then_password() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext().with_user(USER, PASSWORD))
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;
    client.says("AUTH LOGIN", "334 VXNlcm5hbWU6").await;
    client.says(&base64(USER), "334 UGFzc3dvcmQ6").await;
    client
        .says(&base64(PASSWORD), "235 2.7.0 Authentication successful")
        .await;
    client
        .says("AUTH LOGIN", "503 5.5.1 Error: already authenticated")
        .await;
    client
        .says("MAIL FROM:<alice@example.test>", "250 2.1.0 Ok")
        .await;
}

#[tokio::test]
async fn auth_plain_after_an_empty_challenge_and_cancelled_exchanges() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext().with_user(USER, PASSWORD))
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;

    // `*` abandons the exchange; so does an answer that is not base64.
    client.send(b"AUTH PLAIN\r\n").await;
    let challenge = client.reply().await;
    assert_eq!(challenge.code, ReplyCode::AUTH_CONTINUE);
    assert_eq!(challenge.text(), "", "PLAIN starts with an empty challenge");
    client.says("*", "501 5.0.0 Authentication aborted").await;
    client.says("AUTH LOGIN", "334 VXNlcm5hbWU6").await;
    client
        .says("not base64!", "501 5.5.2 Error: invalid base64 data")
        .await;

    client.send(b"AUTH PLAIN\r\n").await;
    assert_eq!(client.reply().await.code, ReplyCode::AUTH_CONTINUE);
    client
        .says(
            &plain(USER, PASSWORD),
            "235 2.7.0 Authentication successful",
        )
        .await;
}

#[tokio::test]
async fn pipelined_commands_are_answered_in_order() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext())
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;
    client
        .send(
            b"MAIL FROM:<alice@example.test>\r\n\
              RCPT TO:<bob@example.net>\r\n\
              RCPT TO:<carol@example.net>\r\n\
              DATA\r\n",
        )
        .await;
    client.expect("250 2.1.0 Ok").await;
    client.expect("250 2.1.5 Ok").await;
    client.expect("250 2.1.5 Ok").await;
    client.expect("354 End data with <CR><LF>.<CR><LF>").await;
    // Message, next transaction and QUIT in one more write.
    client
        .send(
            b"Hello\r\n.\r\n\
              MAIL FROM:<>\r\n\
              RCPT TO:<alice@example.test>\r\n\
              DATA\r\n",
        )
        .await;
    client.expect("250 2.0.0 Ok: queued as 1").await;
    client.expect("250 2.1.0 Ok").await;
    client.expect("250 2.1.5 Ok").await;
    client.expect("354 End data with <CR><LF>.<CR><LF>").await;
    client.send(b"Bounce\r\n.\r\nQUIT\r\n").await;
    client.expect("250 2.0.0 Ok: queued as 2").await;
    client.expect("221 2.0.0 Bye").await;

    let received = server.wait_for(2, Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        received[0].recipients,
        ["bob@example.net", "carol@example.net"]
    );
    assert_eq!(received[0].data, b"Hello\r\n");
    assert_eq!(received[1].sender, "", "the null sender");
    assert_eq!(received[1].data, b"Bounce\r\n");
}

#[tokio::test]
async fn recipients_are_refused_by_list_and_by_policy() {
    let server = SmtpServer::start(
        SmtpServerConfig::plaintext()
            .reject_recipient("nobody@example.net")
            .with_recipient_policy(|address| {
                address.ends_with("@full.example").then(|| {
                    OwnedReply::new(
                        ReplyCode::new(452).unwrap(),
                        Some(EnhancedCode {
                            class: 4,
                            subject: 2,
                            detail: 2,
                        }),
                        vec!["Mailbox full".into()],
                    )
                })
            }),
    )
    .await
    .unwrap();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;
    client
        .says("MAIL FROM:<alice@example.test>", "250 2.1.0 Ok")
        .await;
    client
        .says(
            "RCPT TO:<NoBody@example.net>",
            "550 5.1.1 <NoBody@example.net>: Recipient address rejected: User unknown",
        )
        .await;
    client
        .says("RCPT TO:<carol@full.example>", "452 4.2.2 Mailbox full")
        .await;
    client
        .says("DATA", "554 5.5.1 Error: no valid recipients")
        .await;
    client
        .says("RCPT TO:<bob@example.net>", "250 2.1.5 Ok")
        .await;
    client
        .says("DATA", "354 End data with <CR><LF>.<CR><LF>")
        .await;
    client.send(b"Hi\r\n.\r\n").await;
    client.expect("250 2.0.0 Ok: queued as 1").await;
    assert_eq!(server.received()[0].recipients, ["bob@example.net"]);
}

#[tokio::test]
async fn size_is_enforced_on_mail_and_on_data() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext().with_size_limit(100))
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    assert_eq!(client.ehlo().await.size, Some(100));
    client
        .says(
            "MAIL FROM:<alice@example.test> SIZE=101",
            "552 5.3.4 Message size exceeds fixed limit",
        )
        .await;
    client
        .says(
            "MAIL FROM:<alice@example.test> SIZE=ten",
            "501 5.5.4 Bad message size syntax",
        )
        .await;
    client
        .says("MAIL FROM:<alice@example.test> SIZE=100", "250 2.1.0 Ok")
        .await;
    client
        .says("RCPT TO:<bob@example.net>", "250 2.1.5 Ok")
        .await;
    client
        .says("DATA", "354 End data with <CR><LF>.<CR><LF>")
        .await;
    // Ten kilobytes where a hundred bytes were promised: read to the end, then refused.
    let mut message = Vec::new();
    for _ in 0..100 {
        message.extend_from_slice(&[b'x'; 98]);
        message.extend_from_slice(b"\r\n");
    }
    message.extend_from_slice(b".\r\n");
    client.send(&message).await;
    client
        .expect("552 5.3.4 Error: message size exceeds fixed maximum message size")
        .await;
    // The connection is still in step: the transaction is gone, the session is not.
    client
        .says(
            "RCPT TO:<bob@example.net>",
            "503 5.5.1 Error: need MAIL command",
        )
        .await;
    client.start_message().await;
    client.send(b"small\r\n.\r\n").await;
    client.expect("250 2.0.0 Ok: queued as 1").await;
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn rset_clears_the_transaction_and_sequence_errors_are_503() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext())
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    client
        .says(
            "MAIL FROM:<alice@example.test>",
            "503 5.5.1 Error: send HELO/EHLO first",
        )
        .await;
    client.says("HELO client.example", "250 localhost").await;
    client
        .says("MAIL FROM:<alice@example.test>", "250 2.1.0 Ok")
        .await;
    client
        .says(
            "MAIL FROM:<alice@example.test>",
            "503 5.5.1 Error: nested MAIL command",
        )
        .await;
    client
        .says("RCPT TO:<bob@example.net>", "250 2.1.5 Ok")
        .await;
    client.says("RSET", "250 2.0.0 Ok").await;
    client
        .says("DATA", "503 5.5.1 Error: need MAIL command")
        .await;
    client
        .says(
            "RCPT TO:<bob@example.net>",
            "503 5.5.1 Error: need MAIL command",
        )
        .await;
    client.says("NOOP", "250 2.0.0 Ok").await;
    client
        .says(
            "VRFY bob",
            "252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery",
        )
        .await;
    client
        .says("FROB", "500 5.5.2 Error: command not recognized")
        .await;
    client
        .says(
            "MAIL TO:<bob@example.net>",
            "501 5.5.4 Syntax error: MAIL expects FROM:<address>",
        )
        .await;
    client
        .says(
            "MAIL FROM:<alice@example.test> NOTIFY=NEVER",
            "555 5.5.4 Unsupported option: NOTIFY",
        )
        .await;
    client
        .says(
            "MAIL FROM:<zoë@example.test>",
            "553 5.6.7 Error: non-ASCII address without MAIL FROM ... SMTPUTF8",
        )
        .await;
    client
        .says("MAIL FROM:<zoë@example.test> SMTPUTF8", "250 2.1.0 Ok")
        .await;
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn an_endless_line_gets_an_error_and_the_connection_closes() {
    let server = SmtpServer::start(
        SmtpServerConfig::plaintext().with_limits(Limits::default().with_line_len(1024)),
    )
    .await
    .unwrap();
    let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let (mut reader, mut writer) = tcp.into_split();
    // The client never ends its line; it stops only when the server stops reading.
    let flood = tokio::spawn(async move {
        let chunk = [b'x'; 64 * 1024];
        let mut sent = 0usize;
        while sent < 512 << 20 {
            match tokio::time::timeout(Duration::from_secs(5), writer.write_all(&chunk)).await {
                Ok(Ok(())) => sent += chunk.len(),
                _ => break,
            }
        }
        sent
    });
    let mut heard = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), reader.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(read)) => heard.extend_from_slice(&buffer[..read]),
            Err(_) => panic!("the server neither replied nor closed"),
        }
    }
    assert_eq!(
        String::from_utf8_lossy(&heard),
        format!("{GREETING}\r\n500 5.5.2 Error: line too long (more than 1024 bytes)\r\n")
    );
    let sent = flood.await.unwrap();
    assert!(
        sent < 64 << 20,
        "the server stopped reading after a bounded amount; the client sent {sent} bytes"
    );
}

#[tokio::test]
async fn an_idle_client_is_told_and_disconnected() {
    let server = SmtpServer::start(
        SmtpServerConfig::plaintext().with_idle_timeout(Duration::from_millis(200)),
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;
    // Half a command, then silence: the whole line must come within the timeout.
    client.send(b"MAIL FROM:<alice@").await;
    client
        .expect("421 4.4.2 localhost Error: timeout exceeded")
        .await;
    client.closed().await;
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn bare_line_feeds_in_data_are_refused_and_the_connection_closed() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext())
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;
    client.start_message().await;
    client
        .send(b"Subject: smuggle\r\n\r\nhi\n.\nMAIL FROM:<mallory@example.test>\r\n.\r\n")
        .await;
    let reply = client.reply().await;
    assert_eq!(reply.code, ReplyCode::new(500).unwrap(), "{reply}");
    assert!(reply.text().contains("LF without CR"), "{reply}");
    client.closed().await;
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn every_message_can_be_refused_after_data() {
    let refusal = OwnedReply::new(
        ReplyCode::new(451).unwrap(),
        Some(EnhancedCode {
            class: 4,
            subject: 3,
            detail: 0,
        }),
        vec!["Error: queue file write error".into()],
    );
    let server = SmtpServer::start(SmtpServerConfig::plaintext().fail_data_with(refusal))
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    client.ehlo().await;
    client.start_message().await;
    client.send(b"Hi\r\n.\r\n").await;
    client
        .expect("451 4.3.0 Error: queue file write error")
        .await;
    client
        .says(
            "RCPT TO:<bob@example.net>",
            "503 5.5.1 Error: need MAIL command",
        )
        .await;
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn bdat_chunks_make_one_message_when_chunking_is_on() {
    let server = SmtpServer::start(
        SmtpServerConfig::plaintext()
            .with_chunking(true)
            .with_size_limit(30),
    )
    .await
    .unwrap();
    let mut client = Client::connect(&server).await;
    assert!(client.ehlo().await.chunking);
    client
        .says("MAIL FROM:<alice@example.test>", "250 2.1.0 Ok")
        .await;
    client
        .says("RCPT TO:<bob@example.net>", "250 2.1.5 Ok")
        .await;
    // Chunks carry raw bytes: a leading dot is not stuffing here.
    client.send(b"BDAT 12\r\n.dot\r\nline\r\n").await;
    client.expect("250 2.0.0 Ok: 12 octets received").await;
    client.send(b"BDAT 5 LAST\r\nend\r\n").await;
    client.expect("250 2.0.0 Ok: queued as 1").await;
    assert_eq!(server.received()[0].data, b".dot\r\nline\r\nend\r\n");

    // A chunk past the size limit is read whole and refused; the session goes on.
    client
        .says("MAIL FROM:<alice@example.test>", "250 2.1.0 Ok")
        .await;
    client
        .says("RCPT TO:<bob@example.net>", "250 2.1.5 Ok")
        .await;
    client.send(b"BDAT 40 LAST\r\n").await;
    client.send(&[b'y'; 40]).await;
    client
        .expect("552 5.3.4 Error: message size exceeds fixed maximum message size")
        .await;
    client.says("NOOP", "250 2.0.0 Ok").await;
    // Without a transaction the chunk is still read, then refused.
    client.send(b"BDAT 4 LAST\r\nQUIT").await;
    client.expect("503 5.5.1 Error: need MAIL command").await;
    client.says("QUIT", "221 2.0.0 Bye").await;
}

#[tokio::test]
async fn implicit_tls_and_a_connection_limit() {
    let server = SmtpServer::start(
        SmtpServerConfig::implicit_tls(demo_server_config()).with_max_connections(1),
    )
    .await
    .unwrap();
    let mut first = Connection::connect_tls("localhost", server.port(), &options())
        .await
        .unwrap();
    assert_eq!(first.read_line().await.unwrap(), GREETING.as_bytes());
    let mut second = Connection::connect_tls("localhost", server.port(), &options())
        .await
        .unwrap();
    assert_eq!(
        second.read_line().await.unwrap(),
        b"421 4.7.0 localhost Error: too many connections"
    );
    drop(second);
    first.write_all(b"QUIT\r\n").await.unwrap();
    assert_eq!(first.read_line().await.unwrap(), b"221 2.0.0 Bye");
    drop(first);
    // The slot is free again once the first session has ended.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let mut third = Connection::connect_tls("localhost", server.port(), &options())
            .await
            .unwrap();
        let line = third.read_line().await.unwrap();
        if line == GREETING.as_bytes() {
            break;
        }
        assert!(Instant::now() < deadline, "the slot stayed taken");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A full server turns connections away with `421`, but a refusal over TLS waits on the
/// client's handshake: past as many refusals in flight as sessions, further connections
/// are closed at once, so a flood of silent connections costs a bounded number of tasks.
#[tokio::test]
async fn a_flood_past_the_connection_limit_is_closed_without_a_word() {
    let server = SmtpServer::start(
        SmtpServerConfig::implicit_tls(demo_server_config()).with_max_connections(1),
    )
    .await
    .unwrap();
    let mut first = Connection::connect_tls("localhost", server.port(), &options())
        .await
        .unwrap();
    assert_eq!(first.read_line().await.unwrap(), GREETING.as_bytes());
    // Silent: its refusal waits for a TLS ClientHello that never comes.
    let _stalled = tokio::net::TcpStream::connect(("127.0.0.1", server.port()))
        .await
        .unwrap();
    let mut flood = tokio::net::TcpStream::connect(("127.0.0.1", server.port()))
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_secs(3), flood.read(&mut byte))
        .await
        .expect("a connection past the refusals in flight is closed at once, not held");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    // The session being served is untouched.
    first.write_all(b"QUIT\r\n").await.unwrap();
    assert_eq!(first.read_line().await.unwrap(), b"221 2.0.0 Bye");
}

#[tokio::test]
async fn wait_for_returns_when_mail_arrives_or_says_what_did() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext().with_enhanced_status_codes(false))
        .await
        .unwrap();
    let port = server.port();
    let sender = tokio::spawn(async move {
        let mut client = Connection::connect("127.0.0.1", port, &options())
            .await
            .unwrap();
        client
            .write_all(
                b"EHLO client.example\r\nMAIL FROM:<a@example.test>\r\n\
                  RCPT TO:<b@example.test>\r\nDATA\r\n",
            )
            .await
            .unwrap();
        let mut lines = Vec::new();
        while lines
            .last()
            .is_none_or(|line: &Vec<u8>| !line.starts_with(b"354"))
        {
            lines.push(client.read_line().await.unwrap());
        }
        client.write_all(b"body\r\n.\r\n").await.unwrap();
        lines.push(client.read_line().await.unwrap());
        lines
    });
    let received = server.wait_for(1, Duration::from_secs(5)).await.unwrap();
    assert_eq!(received[0].data, b"body\r\n");
    let lines = sender.await.unwrap();
    assert!(
        !lines.iter().any(|line| line == b"250-ENHANCEDSTATUSCODES"),
        "not announced when off"
    );
    assert_eq!(
        lines.last().unwrap(),
        b"250 Ok: queued as 1",
        "no enhanced codes"
    );

    let error = server
        .wait_for(2, Duration::from_millis(100))
        .await
        .unwrap_err();
    assert_eq!(error.received.len(), 1);
    assert!(
        error.to_string().contains("received 1 of the 2 messages"),
        "{error}"
    );
    assert_eq!(server.shutdown().await.len(), 1);
}

#[tokio::test]
async fn a_client_stuck_in_errors_is_disconnected() {
    let server = SmtpServer::start(SmtpServerConfig::plaintext())
        .await
        .unwrap();
    let mut client = Client::connect(&server).await;
    client.send(&b"FROB\r\n".repeat(25)).await;
    for _ in 0..20 {
        client
            .expect("500 5.5.2 Error: command not recognized")
            .await;
    }
    client
        .expect("421 4.7.0 localhost Error: too many errors")
        .await;
    client.closed().await;
}
