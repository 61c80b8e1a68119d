//! The string-like building blocks of IMAP: atoms, tags, quoted strings, literals, text.

use std::borrow::Cow;
use std::fmt;

use crate::imap::codec::error::EncodeError;
use crate::imap::codec::grammar::chars;

/// Turns a value that borrows from an input buffer into one that owns its bytes.
///
/// ```
/// use mailwire::imap::codec::types::{Atom, IntoOwned};
///
/// let owned: Atom<'static> = {
///     let buffer = String::from("IMAP4rev1");
///     Atom::new(buffer.as_str()).unwrap().into_owned()
/// };
/// assert_eq!(owned.as_str(), "IMAP4rev1");
/// ```
pub trait IntoOwned {
    /// The same value with no borrowed parts.
    type Owned: 'static;

    /// Copies every borrowed part, consuming the value.
    fn into_owned(self) -> Self::Owned;

    /// Copies every borrowed part, leaving the value as it is.
    fn to_static(&self) -> Self::Owned
    where
        Self: Clone,
    {
        self.clone().into_owned()
    }
}

/// The value `name` stands for in `table`, compared ignoring ASCII case as IMAP compares
/// keywords. With [`name_in`], how a word spelled once in a table of known names is both
/// read and written.
pub(crate) fn named<T: Clone>(table: &[(&str, T)], name: &str) -> Option<T> {
    table
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.clone())
}

/// The name `value` has in `table`, if it is there.
pub(crate) fn name_in<T: PartialEq>(
    table: &[(&'static str, T)],
    value: &T,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(_, known)| known == value)
        .map(|(name, _)| *name)
}

/// Implements [`IntoOwned`] for types that borrow nothing: each is its own owned form.
macro_rules! owned_is_self {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::imap::codec::types::IntoOwned for $ty {
            type Owned = $ty;
            fn into_owned(self) -> $ty { self }
        }
    )*};
}
pub(crate) use owned_is_self;
owned_is_self!(u8, u16, u32, u64, i16, i32, i64, bool, char, usize);

impl<T: IntoOwned> IntoOwned for Vec<T> {
    type Owned = Vec<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.into_iter().map(IntoOwned::into_owned).collect()
    }
}

impl<T: IntoOwned> IntoOwned for Option<T> {
    type Owned = Option<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.map(IntoOwned::into_owned)
    }
}

impl<T: IntoOwned> IntoOwned for Box<T> {
    type Owned = Box<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        Box::new((*self).into_owned())
    }
}

impl<T: IntoOwned, const N: usize> IntoOwned for [T; N] {
    type Owned = [T::Owned; N];
    fn into_owned(self) -> Self::Owned {
        self.map(IntoOwned::into_owned)
    }
}

impl<A: IntoOwned, B: IntoOwned> IntoOwned for (A, B) {
    type Owned = (A::Owned, B::Owned);
    fn into_owned(self) -> Self::Owned {
        (self.0.into_owned(), self.1.into_owned())
    }
}

impl IntoOwned for Cow<'_, [u8]> {
    type Owned = Cow<'static, [u8]>;
    fn into_owned(self) -> Cow<'static, [u8]> {
        Cow::Owned(Cow::into_owned(self))
    }
}

impl IntoOwned for Cow<'_, str> {
    type Owned = Cow<'static, str>;
    fn into_owned(self) -> Cow<'static, str> {
        Cow::Owned(Cow::into_owned(self))
    }
}

/// Implements [`IntoOwned`] for a struct with one lifetime whose fields all implement it,
/// named (`owned_struct!(Section { part, text })`) or by position (`owned_struct!(Atom(0))`).
/// Each field is listed once, so a field added to the struct and not here fails to compile.
macro_rules! owned_struct {
    ($name:ident { $($field:ident),* $(,)? }) => {
        impl $crate::imap::codec::types::IntoOwned for $name<'_> {
            type Owned = $name<'static>;
            fn into_owned(self) -> $name<'static> {
                $name { $($field: $crate::imap::codec::types::IntoOwned::into_owned(self.$field)),* }
            }
        }
    };
    ($name:ident ( $($index:tt),* )) => {
        impl $crate::imap::codec::types::IntoOwned for $name<'_> {
            type Owned = $name<'static>;
            fn into_owned(self) -> $name<'static> {
                $name($($crate::imap::codec::types::IntoOwned::into_owned(self.$index)),*)
            }
        }
    };
}
pub(crate) use owned_struct;

/// Implements [`IntoOwned`] for an enum with one lifetime, given every variant as a pattern
/// binding its fields: `owned_enum!(Code { Alert, UidNext(n), Other { name, arguments } })`.
/// A unit variant stays itself; every field of the others becomes its owned form. A variant
/// missing from the list fails to compile (the match is exhaustive).
macro_rules! owned_enum {
    ($name:ident { $($variant:ident $(($($value:ident),+))? $({$($field:ident),+})?),+ $(,)? }) => {
        impl $crate::imap::codec::types::IntoOwned for $name<'_> {
            type Owned = $name<'static>;
            fn into_owned(self) -> $name<'static> {
                use $crate::imap::codec::types::IntoOwned as O;
                match self {
                    $($name::$variant $(($($value),+))? $({$($field),+})? => $name::$variant
                        $(($(O::into_owned($value)),+))?
                        $({$($field: O::into_owned($field)),+})?,)+
                }
            }
        }
    };
}
pub(crate) use owned_enum;

fn check_chars(what: &'static str, bytes: &[u8], class: u8) -> Result<(), EncodeError> {
    if bytes.is_empty() {
        return Err(EncodeError::Unrepresentable {
            what,
            reason: "it is empty",
        });
    }
    match bytes.iter().position(|&b| !chars::is(b, class)) {
        None => Ok(()),
        Some(_) => Err(EncodeError::Unrepresentable {
            what,
            reason: "it contains a character the grammar does not allow there",
        }),
    }
}

/// Declares a word the grammar sends bare, made of one character class (an atom, a tag):
/// checked when a caller builds one, taken as it is when the parser has read it.
macro_rules! bare_word {
    ($(#[$doc:meta])* $name:ident: $what:literal, $class:expr, $rule:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name<'a>(Cow<'a, str>);

        impl<'a> $name<'a> {
            #[doc = concat!("Checks that `value` is a valid ", $what, " (", $rule, ").")]
            pub fn new(value: impl Into<Cow<'a, str>>) -> Result<Self, EncodeError> {
                let value = value.into();
                check_chars($what, value.as_bytes(), $class)?;
                Ok($name(value))
            }

            /// Wraps characters the parser has already read (any non-empty ASCII without
            /// CR/LF).
            pub(crate) fn unchecked(value: &'a str) -> Self {
                $name(Cow::Borrowed(value))
            }

            #[doc = concat!("The ", $what, "'s characters.")]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), &*self.0)
            }
        }

        owned_struct!($name(0));
    };
}

bare_word! {
    /// An atom: one or more characters that need no quoting (`IMAP4rev1`, `FLAGS`, `$Junk`).
    Atom: "atom", chars::ATOM, "ATOM-CHARs"
}

impl Atom<'_> {
    /// True when the atom equals `other` ignoring ASCII case, as IMAP keywords compare.
    pub fn eq_ignore_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }
}

bare_word! {
    /// A command tag (`a001`): what the client chose to correlate a command and its completion.
    Tag: "tag", chars::TAG, "ASTRING-CHARs except `+`"
}

/// How a literal was (or is to be) announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiteralMode {
    /// `{N}`: a client must wait for the server's `+` before sending the bytes.
    Sync,
    /// `{N+}` (LITERAL+ / LITERAL-): the bytes follow at once.
    NonSync,
    /// `{N-}`: seen from some peers; framed like `{N+}`.
    Minus,
}

owned_is_self!(LiteralMode);

/// A literal: a byte count announced in braces, then exactly that many bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Literal<'a> {
    /// The bytes carried, exactly as sent.
    pub data: Cow<'a, [u8]>,
    /// How the literal was announced. A command is written with the announcement its
    /// `EncodeOptions` allow, whatever this says; a response, with this one.
    pub mode: LiteralMode,
    /// True for a `~{N}` literal8 (RFC 3516), which may carry NUL.
    pub binary: bool,
}

impl fmt::Debug for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Literal")
            .field("data", &crate::imap::codec::types::Bytes(&self.data))
            .field("mode", &self.mode)
            .field("binary", &self.binary)
            .finish()
    }
}

owned_struct!(Literal { data, mode, binary });

/// A string: quoted (`"..."`) or literal (`{N}` + bytes). The value is the content,
/// with quoting escapes already removed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum IString<'a> {
    /// A quoted string; the content has no CR, LF or NUL.
    Quoted(Cow<'a, [u8]>),
    /// A literal.
    Literal(Literal<'a>),
}

impl<'a> IString<'a> {
    /// A string holding `value`, quoted when quoting can carry it, a literal otherwise.
    pub fn new(value: impl Into<Cow<'a, [u8]>>) -> Self {
        let value = value.into();
        if chars::quotable(&value) {
            IString::Quoted(value)
        } else {
            IString::Literal(Literal {
                data: value,
                mode: LiteralMode::Sync,
                binary: false,
            })
        }
    }

    /// The string's content.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            IString::Quoted(bytes) => bytes,
            IString::Literal(literal) => &literal.data,
        }
    }
}

impl fmt::Debug for IString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IString::Quoted(bytes) => {
                write!(f, "Quoted({:?})", crate::imap::codec::types::Bytes(bytes))
            }
            IString::Literal(literal) => literal.fmt(f),
        }
    }
}

owned_enum!(IString { Quoted(bytes), Literal(literal) });

/// A string or `NIL` (`None`).
pub type NString<'a> = Option<IString<'a>>;

/// An atom-like string (`INBOX`, `user@example.com`) or a string: what IMAP calls `astring`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum AString<'a> {
    /// One or more ASTRING-CHARs, sent bare.
    Atom(Cow<'a, str>),
    /// A quoted string or literal.
    String(IString<'a>),
}

impl<'a> AString<'a> {
    /// The cheapest form that carries `value`: bare, quoted or literal.
    pub fn new(value: impl Into<Cow<'a, [u8]>>) -> Self {
        let value = value.into();
        let bare = !value.is_empty()
            && value.iter().all(|&b| chars::is(b, chars::ASTRING))
            && !value.eq_ignore_ascii_case(b"NIL");
        if !bare {
            return AString::String(IString::new(value));
        }
        // ASTRING-CHARs are ASCII, so both conversions succeed; the fallbacks keep this total.
        match value {
            Cow::Borrowed(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => AString::Atom(Cow::Borrowed(text)),
                Err(_) => AString::String(IString::new(bytes)),
            },
            Cow::Owned(bytes) => match String::from_utf8(bytes) {
                Ok(text) => AString::Atom(Cow::Owned(text)),
                Err(err) => AString::String(IString::new(err.into_bytes())),
            },
        }
    }

    pub(crate) fn unchecked_atom(value: &'a str) -> Self {
        AString::Atom(Cow::Borrowed(value))
    }

    /// The content.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            AString::Atom(text) => text.as_bytes(),
            AString::String(string) => string.as_bytes(),
        }
    }
}

impl fmt::Debug for AString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AString::Atom(text) => write!(f, "Atom({:?})", &**text),
            AString::String(string) => string.fmt(f),
        }
    }
}

owned_enum!(AString { Atom(text), String(string) });

/// What both kinds of string offer besides their `new` and `as_bytes`: the content as
/// UTF-8, and the cheapest form that carries a `&str`.
macro_rules! string_conveniences {
    ($($name:ident),*) => {$(
        impl<'a> $name<'a> {
            /// The content as UTF-8, if it is.
            pub fn as_str(&self) -> Option<&str> {
                std::str::from_utf8(self.as_bytes()).ok()
            }
        }

        impl<'a> From<&'a str> for $name<'a> {
            fn from(value: &'a str) -> Self {
                $name::new(value.as_bytes())
            }
        }
    )*};
}

string_conveniences!(IString, AString);

/// Human-readable text at the end of a status response or continuation request.
/// Servers put 8-bit bytes here, so it is kept as bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Text<'a>(pub Cow<'a, [u8]>);

impl<'a> Text<'a> {
    /// Text from `value`; CR and LF are refused when it is encoded.
    pub fn new(value: impl Into<Cow<'a, [u8]>>) -> Self {
        Text(value.into())
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text, with bytes that are not UTF-8 replaced.
    pub fn to_str_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(value: &'a str) -> Self {
        Text(Cow::Borrowed(value.as_bytes()))
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Text({:?})", crate::imap::codec::types::Bytes(&self.0))
    }
}

owned_struct!(Text(0));
