//! SMTP codec throughput, each figure beside a memcpy of the same bytes as the hardware
//! reference: parsing multi-line EHLO replies, reading capabilities from EHLO replies as
//! different servers send them, parsing single-line replies, and encoding a DATA body full
//! of leading dots and bare LFs.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use mailwire::limits::Limits;
use mailwire::smtp::codec::{Capabilities, DataEncoder, Parsed, parse_reply};

/// 20,000 EHLO replies in the shape Postfix sends after STARTTLS, each ~210 bytes.
fn ehlo_corpus() -> Vec<u8> {
    let mut corpus = Vec::new();
    for index in 0..20_000u32 {
        let size = 10_240_000 + index % 977;
        let reply = format!(
            "250-smtp{:05}.mail.example.com\r\n250-PIPELINING\r\n250-SIZE {size}\r\n250-VRFY\r\n\
             250-ETRN\r\n250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n\
             250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
            index % 100_000
        );
        corpus.extend_from_slice(reply.as_bytes());
    }
    corpus
}

/// 24,000 EHLO replies as real servers send them after STARTTLS, in turn: Postfix (before
/// and after TLS), Gmail, iCloud Mail, Exchange Online and an on-premises Exchange (AUTH
/// lines old and new, mechanisms known and not, extensions this crate has no field for).
/// Host names and SIZE limits vary from one reply to the next, as across a server farm.
fn ehlo_mixed_corpus() -> Vec<u8> {
    let mut corpus = Vec::new();
    for index in 0..24_000u32 {
        let host = index % 997;
        let size = 10_240_000 + index % 977;
        let reply = match index % 6 {
            0 => format!(
                "250-smtp{host:03}.mail.example.com\r\n250-PIPELINING\r\n250-SIZE {size}\r\n\
                 250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n\
                 250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"
            ),
            1 => format!(
                "250-smtp{host:03}.mail.example.com\r\n250-PIPELINING\r\n250-SIZE {size}\r\n\
                 250-VRFY\r\n250-ETRN\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n\
                 250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n\
                 250 CHUNKING\r\n"
            ),
            2 => format!(
                "250-smtp.gmail.com at your service, [203.0.113.{}]\r\n250-SIZE 35882577\r\n\
                 250-8BITMIME\r\n\
                 250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r\n\
                 250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n",
                host % 256
            ),
            3 => format!(
                "250-p{:02}-icloudmta-asmtp-us-west-{host:03}.icloud-mail-production.\
                 svc.kube.us-west-2a.k8s.cloud.apple.com\r\n250-PIPELINING\r\n\
                 250-SIZE 28311552\r\n250-ETRN\r\n250-AUTH LOGIN PLAIN ATOKEN WSTOKEN WETOKEN\r\n\
                 250-AUTH=LOGIN PLAIN ATOKEN WSTOKEN WETOKEN\r\n250-ENHANCEDSTATUSCODES\r\n\
                 250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n",
                host % 60
            ),
            4 => format!(
                "250-AM{host:03}PR02CA0001.outlook.office365.com Hello [198.51.100.{}]\r\n\
                 250-SIZE 157286400\r\n250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n\
                 250-AUTH LOGIN XOAUTH2\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n\
                 250 SMTPUTF8\r\n",
                host % 256
            ),
            _ => format!(
                "250-EXCH{host:03}.corp.example.org Hello [192.0.2.{}]\r\n250-SIZE {size}\r\n\
                 250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-AUTH NTLM LOGIN\r\n\
                 250-X-EXPS GSSAPI NTLM\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n\
                 250-XRDST\r\n250 XEXCH50\r\n",
                host % 256
            ),
        };
        corpus.extend_from_slice(reply.as_bytes());
    }
    corpus
}

/// 100,000 single-line replies such as `250 2.1.0 Ok, sender ok`, ~26 bytes each.
fn single_line_corpus() -> Vec<u8> {
    const REPLIES: [&str; 4] = [
        "250 2.1.0 Ok, sender ok\r\n",
        "250 2.1.5 Ok, rcpt okay\r\n",
        "354 End data with <CR><LF>.\r\n",
        "250 2.0.0 Ok: queued 1A\r\n",
    ];
    let mut corpus = Vec::new();
    for index in 0..100_000usize {
        corpus.extend_from_slice(REPLIES[index % REPLIES.len()].as_bytes());
    }
    corpus
}

/// A 20 MB body whose every line starts with `.` and ends with a bare LF: the worst case
/// for dot-stuffing and line-end repair.
fn dotted_body() -> Vec<u8> {
    let mut body = Vec::with_capacity(20 * 1024 * 1024 + 100);
    let mut line = 0u64;
    while body.len() < 20 * 1024 * 1024 {
        let text = format!(".line {line:08} of a message body that needs dot-stuffing\n");
        body.extend_from_slice(text.as_bytes());
        line += 1;
    }
    body.truncate(20 * 1024 * 1024);
    body
}

fn memcpy_reference(group: &mut BenchmarkGroup<'_, WallTime>, source: &[u8]) {
    let mut destination = vec![0u8; source.len()];
    group.bench_function("memcpy", |b| {
        b.iter(|| {
            destination.copy_from_slice(black_box(source));
            black_box(&mut destination);
        })
    });
}

fn parse_all_replies(corpus: &[u8], limits: &Limits) -> usize {
    let mut rest = corpus;
    let mut lines = 0;
    while !rest.is_empty() {
        match parse_reply(rest, limits) {
            Ok(Parsed::Complete(reply, consumed)) => {
                lines += reply.line_count() + usize::from(reply.code().get());
                rest = &rest[consumed..];
            }
            other => panic!("the corpus is made of whole replies: {other:?}"),
        }
    }
    lines
}

fn short_group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group
}

fn replies(c: &mut Criterion) {
    let limits = Limits::default();

    let ehlo = ehlo_corpus();
    let mut group = short_group(c, "ehlo_replies");
    group.throughput(Throughput::Bytes(ehlo.len() as u64));
    group.bench_function("parse_reply", |b| {
        b.iter(|| parse_all_replies(black_box(&ehlo), &limits))
    });
    memcpy_reference(&mut group, &ehlo);
    group.finish();

    // What a client does with each reply: parse it, read the capabilities, and look at
    // what it needs to send (a mechanism to log in with, the size limit, pipelining).
    let mixed = ehlo_mixed_corpus();
    let mut group = short_group(c, "ehlo_capabilities");
    group.throughput(Throughput::Bytes(mixed.len() as u64));
    group.bench_function("parse_reply+capabilities", |b| {
        b.iter(|| {
            let mut rest = black_box(&mixed[..]);
            let mut read = 0;
            while let Ok(Parsed::Complete(reply, consumed)) = parse_reply(rest, &limits) {
                if let Ok(capabilities) = Capabilities::from_ehlo(&reply) {
                    read += usize::from(capabilities.supports_auth("PLAIN"))
                        + usize::from(capabilities.pipelining)
                        + capabilities.size.map_or(0, |size| size as usize);
                }
                rest = &rest[consumed..];
            }
            read
        })
    });
    memcpy_reference(&mut group, &mixed);
    group.finish();

    let single = single_line_corpus();
    let mut group = short_group(c, "single_line_replies");
    group.throughput(Throughput::Bytes(single.len() as u64));
    group.bench_function("parse_reply", |b| {
        b.iter(|| parse_all_replies(black_box(&single), &limits))
    });
    memcpy_reference(&mut group, &single);
    group.finish();
}

fn data(c: &mut Criterion) {
    let body = dotted_body();
    let mut group = short_group(c, "data_encoding");
    group.throughput(Throughput::Bytes(body.len() as u64));
    let mut out = Vec::with_capacity(body.len() * 2);
    group.bench_function("encode_chunk", |b| {
        b.iter(|| {
            out.clear();
            let mut encoder = DataEncoder::new();
            encoder
                .encode_chunk(black_box(&body), &mut out)
                .expect("lines are short");
            encoder.finish(&mut out).expect("lines are short");
            black_box(out.len())
        })
    });
    memcpy_reference(&mut group, &body);
    group.finish();
}

criterion_group!(benches, replies, data);
criterion_main!(benches);
