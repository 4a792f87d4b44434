//! Declarations that many modules repeat in the same shape. Declared before every module in
//! `lib.rs`, so they are in scope everywhere without an import.

/// An enum stored as TEXT under a stable English name, shown under a Chinese label:
///
/// ```text
/// labelled_enum! {
///     /// 成员单位类型
///     pub enum DepartmentKind {
///         Hrss => ("hrss", "人力资源社会保障"),
///         Finance => ("finance", "财政"),
///     }
/// }
/// ```
///
/// gives `ALL`, `as_str`, `parse`, `label`, `Display` (the label), serde as the name, and sqlx
/// encoding and decoding as TEXT. A stored name the enum does not know fails the decoding, so a
/// query never silently drops or mislabels a row.
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($key:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name, as stored and as written in URLs and forms.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($key => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The Chinese name shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl $crate::macros::Labelled for $name {
            fn all() -> &'static [Self] {
                $name::ALL
            }

            fn name(self) -> &'static str {
                self.as_str()
            }

            fn text(self) -> &'static str {
                self.label()
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s).ok_or_else(|| format!("unknown {}: {s:?}", stringify!($name)))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown {}: {s:?}", stringify!($name))))
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <str as sqlx::Type<sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Postgres>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <&str as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?;
                $name::parse(s).ok_or_else(|| format!("unknown {} in the database: {s:?}", stringify!($name)).into())
            }
        }
    };
}

/// A typed id over a BIGINT key, so that a plan id cannot be passed where a project id is
/// wanted: `id_type!(/** doc */ pub DepartmentId);`. It reads from a path segment
/// (`Path<DepartmentId>`), binds and decodes as BIGINT, and prints as the number.
macro_rules! id_type {
    ($(#[$meta:meta])* $vis:vis $name:ident) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[sqlx(transparent)]
        #[serde(transparent)]
        $vis struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

/// What `labelled_enum!` gives every enum: a stable name and a Chinese label, so lists of
/// choices and filters can be built for any of them alike.
pub trait Labelled: Copy + 'static {
    fn all() -> &'static [Self];
    fn name(self) -> &'static str;
    fn text(self) -> &'static str;
}
