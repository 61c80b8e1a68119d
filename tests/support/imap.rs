//! The scripted server's side of an IMAP client test, written once: the client's settings,
//! the login it offers, a session logged in already, and the end of the script. What the
//! server says and expects stays in each test, as the transcript it is.

use std::time::Duration;

use base64::Engine as _;
use mailwire::imap::{Client, ClientBuilder, Credentials, Deadlines, Error, Security};
use mailwire::testing::{Mode, Script, ScriptedServer, ServerLog};

/// Every deadline of a scripted session: far more than loopback needs, short enough that
/// a client waiting for nothing fails the test soon.
pub const SHORT: Duration = Duration::from_secs(5);

/// The password of every scripted login, in the form of an iCloud app-specific password;
/// tests look for it in what the server read and in errors.
pub const PASSWORD: &str = "abcd-efgh-ijkl-mnop";

/// iCloud's capabilities after login, as recent captures list them: UIDPLUS, ESEARCH,
/// CONDSTORE and LIST-STATUS, but no MOVE, SPECIAL-USE, LIST-EXTENDED or LITERAL+.
pub const ICLOUD_CAPABILITIES: &str = "XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 CONDSTORE ENABLE \
QRESYNC QUOTA XAPPLELITERAL NAMESPACE UIDPLUS UNSELECT SORT ESEARCH ESORT CONTEXT=SORT WITHIN \
SASL-IR ID IDLE X-APPLE-REMOTE-LINKS LIST-STATUS";

/// A client of the scripted server on `port`: no TLS, [`SHORT`] deadlines, no login.
pub fn builder(port: u16) -> ClientBuilder {
    ClientBuilder::new("localhost", port)
        .security(Security::Plaintext)
        .deadlines(Deadlines::all(SHORT))
}

/// `builder` logging in as `user` with [`PASSWORD`].
pub fn with_login(builder: ClientBuilder, user: &str) -> ClientBuilder {
    builder.credentials(Credentials::new(user, PASSWORD).expect("test credentials are valid"))
}

/// The initial response of `AUTHENTICATE PLAIN` for `user` with [`PASSWORD`].
pub fn plain(user: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{PASSWORD}"))
}

/// The greeting of a server that has logged the client in already.
pub fn preauth_greeting(capabilities: &str) -> String {
    format!("* PREAUTH [CAPABILITY {capabilities}] ready\r\n")
}

/// Starts the scripted server on `script` and connects to it a [`builder`] changed by
/// `configure` (deadlines, a provider).
pub async fn connect(
    script: Script,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> (Client, ScriptedServer) {
    let server = ScriptedServer::start(script)
        .await
        .expect("the scripted server starts");
    let client = configure(builder(server.port()))
        .connect()
        .await
        .expect("the client connects to the scripted server");
    (client, server)
}

/// Starts the scripted server on `script` and has a [`builder`] changed by `configure`
/// log in as `user`, for a test of a login that must fail: the error it ended in, and
/// the server, to finish as the test needs.
pub async fn failed_login(
    script: Script,
    user: &str,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> (Error, ScriptedServer) {
    let server = ScriptedServer::start(script)
        .await
        .expect("the scripted server starts");
    let error = match configure(with_login(builder(server.port()), user))
        .connect()
        .await
    {
        Ok(client) => panic!("the login was expected to fail, and succeeded: {client:?}"),
        Err(error) => error,
    };
    (error, server)
}

/// A session logged in already (PREAUTH with `capabilities`), the script going on with
/// `then`.
pub async fn preauth(
    capabilities: &str,
    then: impl FnOnce(Script) -> Script,
) -> (Client, ScriptedServer) {
    let script = then(Script::new(Mode::Plain).send(preauth_greeting(capabilities)));
    connect(script, |builder| builder).await
}

/// The server's log once the script is over, after checking that it ran to its end and
/// that every expectation was met.
pub async fn finish(server: ScriptedServer) -> ServerLog {
    let log = match server.finish().await {
        Ok(log) => log,
        Err(error) => panic!("the script failed: {error:?}"),
    };
    assert!(log.expectations.iter().all(|e| e.matched), "{log:?}");
    log
}

/// Hangs up, then [`finish`]es: for a script that ends when the client goes.
pub async fn hang_up(client: Client, server: ScriptedServer) -> ServerLog {
    drop(client);
    finish(server).await
}

/// The server's log, also where the script could not run to its end (the client hung up
/// first, as a test of a refusal wants).
pub async fn finish_lenient(server: ScriptedServer) -> ServerLog {
    match server.finish().await {
        Ok(log) => log,
        Err(error) => error.log.clone(),
    }
}
