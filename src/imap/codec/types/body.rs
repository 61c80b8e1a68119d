//! BODY and BODYSTRUCTURE: the MIME structure of a message.

use std::fmt;

use super::core::{IString, NString, owned_enum, owned_struct};
use super::envelope::Envelope;

/// One MIME parameter: its name and its value (NIL-able because servers send
/// `("boundary" NIL)`).
pub type Parameter<'a> = (IString<'a>, NString<'a>);

/// A MIME parameter list (`("charset" "utf-8")`); NIL and `()` both read as empty.
///
/// Most parts carry exactly one parameter (a charset or a boundary): the first is held in
/// place and only the others take an allocation.
///
/// ```
/// use mailwire::imap::codec::types::{IString, Parameters};
///
/// let mut params = Parameters::new();
/// params.push(IString::from("charset"), Some(IString::from("utf-8")));
/// params.push(IString::from("format"), Some(IString::from("flowed")));
/// assert_eq!(params.len(), 2);
/// assert_eq!(params.get(1).map(|(name, _)| name.as_bytes()), Some(&b"format"[..]));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Parameters<'a> {
    /// The first pair; `None` only when the list is empty.
    first: Option<Parameter<'a>>,
    /// The pairs after the first.
    more: Vec<Parameter<'a>>,
}

impl<'a> Parameters<'a> {
    /// An empty list.
    pub fn new() -> Self {
        Parameters::default()
    }

    /// Appends a pair.
    pub fn push(&mut self, name: IString<'a>, value: NString<'a>) {
        if self.first.is_none() {
            self.first = Some((name, value));
        } else {
            self.more.push((name, value));
        }
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// The pair at `index`.
    pub fn get(&self, index: usize) -> Option<&Parameter<'a>> {
        match index.checked_sub(1) {
            None => self.first.as_ref(),
            Some(after) => self.more.get(after),
        }
    }

    /// The pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = &Parameter<'a>> {
        self.first.iter().chain(&self.more)
    }

    /// The value of the first parameter named `name` (compared ignoring ASCII case).
    pub fn value_of(&self, name: &str) -> Option<&NString<'a>> {
        self.iter()
            .find(|(key, _)| key.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, value)| value)
    }
}

impl<'a> FromIterator<Parameter<'a>> for Parameters<'a> {
    fn from_iter<I: IntoIterator<Item = Parameter<'a>>>(pairs: I) -> Self {
        let mut params = Parameters::new();
        for (name, value) in pairs {
            params.push(name, value);
        }
        params
    }
}

impl<'a> From<Vec<Parameter<'a>>> for Parameters<'a> {
    fn from(pairs: Vec<Parameter<'a>>) -> Self {
        pairs.into_iter().collect()
    }
}

impl fmt::Debug for Parameters<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

owned_struct!(Parameters { first, more });

/// The structure of a message or of one of its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BodyStructure<'a> {
    /// A part that is not multipart.
    Single(SinglePart<'a>),
    /// A multipart part.
    Multi(MultiPart<'a>),
}

owned_enum!(BodyStructure { Single(part), Multi(part) });

/// A non-multipart part.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SinglePart<'a> {
    /// Media type (`"TEXT"`, `"IMAGE"`).
    pub media_type: IString<'a>,
    /// Media subtype (`"PLAIN"`).
    pub media_subtype: IString<'a>,
    /// Content-Type parameters.
    pub params: Parameters<'a>,
    /// Content-ID.
    pub id: NString<'a>,
    /// Content-Description.
    pub description: NString<'a>,
    /// Content-Transfer-Encoding. The grammar wants a string; iCloud and maddy send NIL.
    pub encoding: NString<'a>,
    /// Size in octets (a negative size from a broken server reads as 0).
    pub size: u32,
    /// What follows for text and message/rfc822 parts.
    pub kind: SinglePartKind<'a>,
    /// Extension data (BODYSTRUCTURE only).
    pub extension: Option<SinglePartExtension<'a>>,
}

owned_struct!(SinglePart {
    media_type,
    media_subtype,
    params,
    id,
    description,
    encoding,
    size,
    kind,
    extension
});

/// The type-specific fields of a single part.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SinglePartKind<'a> {
    /// No further fields.
    Basic,
    /// `TEXT/*`: the size in lines.
    Text {
        /// Lines of text (`number64` since RFC 9051).
        lines: u64,
    },
    /// `MESSAGE/RFC822` (or `MESSAGE/GLOBAL`): the enclosed message.
    Message {
        /// Its envelope.
        envelope: Box<Envelope<'a>>,
        /// Its structure.
        body: Box<BodyStructure<'a>>,
        /// Its size in lines (`number64` since RFC 9051).
        lines: u64,
    },
}

owned_enum!(SinglePartKind {
    Basic,
    Text { lines },
    Message { envelope, body, lines },
});

/// A multipart part. Some servers send one with no parts at all (`("MIXED")`, as net-imap's
/// tests record); it reads as one with an empty `parts`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MultiPart<'a> {
    /// The enclosed parts.
    pub parts: Vec<BodyStructure<'a>>,
    /// Multipart subtype (`"MIXED"`, `"ALTERNATIVE"`).
    pub media_subtype: IString<'a>,
    /// Extension data (BODYSTRUCTURE only).
    pub extension: Option<MultiPartExtension<'a>>,
}

owned_struct!(MultiPart {
    parts,
    media_subtype,
    extension
});

/// Extension data of a single part: MD5 then the common fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SinglePartExtension<'a> {
    /// Content-MD5.
    pub md5: NString<'a>,
    /// The fields after it.
    pub more: ExtensionData<'a>,
}

owned_struct!(SinglePartExtension { md5, more });

/// Extension data of a multipart: its parameters then the common fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MultiPartExtension<'a> {
    /// Content-Type parameters (the boundary).
    pub params: Parameters<'a>,
    /// The fields after them.
    pub more: ExtensionData<'a>,
}

owned_struct!(MultiPartExtension { params, more });

/// The optional trailing fields of extension data. Each is `None` when the server stopped
/// before it; a later field is only present when the earlier ones are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ExtensionData<'a> {
    /// Content-Disposition: `Some(None)` is NIL. Boxed: most parts carry NIL, and every
    /// part would otherwise be larger by a whole disposition.
    pub disposition: Option<Option<Box<Disposition<'a>>>>,
    /// Content-Language: empty is NIL.
    pub language: Option<Vec<IString<'a>>>,
    /// Content-Location.
    pub location: Option<NString<'a>>,
    /// Data from future extensions.
    pub extensions: Vec<BodyExtension<'a>>,
}

impl ExtensionData<'_> {
    /// Disposition, language and location present and NIL, nothing after them.
    pub(crate) fn all_nil() -> Self {
        ExtensionData {
            disposition: Some(None),
            language: Some(Vec::new()),
            location: Some(None),
            extensions: Vec::new(),
        }
    }
}

owned_struct!(ExtensionData {
    disposition,
    language,
    location,
    extensions
});

/// Content-Disposition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Disposition<'a> {
    /// `"ATTACHMENT"`, `"INLINE"`.
    pub kind: IString<'a>,
    /// Its parameters (`filename`).
    pub params: Parameters<'a>,
}

owned_struct!(Disposition { kind, params });

/// A value of future extension data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BodyExtension<'a> {
    /// A string or NIL.
    String(NString<'a>),
    /// A number.
    Number(u64),
    /// A parenthesised list.
    List(Vec<BodyExtension<'a>>),
}

owned_enum!(BodyExtension { String(value), Number(n), List(list) });
