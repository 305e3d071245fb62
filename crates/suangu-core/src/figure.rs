//! A figure is a number that makes a claim about the park, together with where the claim comes
//! from. The scenario format has no bare numbers for figures: `{ value = 12000, origin = "seed" }`.
//! A figure without an origin, or a negative one, is rejected while the file is read.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Read in the seed article the project started from (`shared/seed/`).
    Seed,
    /// A published estimate (news, standards, papers); the `note` names the source.
    Public,
    /// Our own assumption, made to be plausible where no source gives a number.
    Assumption,
}

/// Anything that has a magnitude that may not be negative in a scenario.
pub trait Quantity {
    fn magnitude(&self) -> f64;
}

impl Quantity for u32 {
    fn magnitude(&self) -> f64 {
        f64::from(*self)
    }
}

impl Quantity for f64 {
    fn magnitude(&self) -> f64 {
        *self
    }
}

impl<T: Quantity> Quantity for Vec<T> {
    /// The smallest element: a list is negative when any element is.
    fn magnitude(&self) -> f64 {
        self.iter()
            .map(Quantity::magnitude)
            .fold(f64::INFINITY, f64::min)
    }
}

/// A value with its origin and an optional note (the source, or the reasoning).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure<T> {
    pub value: T,
    pub origin: Origin,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Prefixes of the messages this module raises, so the loader can name the kind of error.
pub(crate) const MISSING_ORIGIN: &str = "figure without an origin";
pub(crate) const NEGATIVE: &str = "negative figure";
pub(crate) const NOT_FINITE: &str = "figure is not a finite number";

impl<'de, T> Deserialize<'de> for Figure<T>
where
    T: Deserialize<'de> + Quantity,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FigureVisitor(PhantomData))
    }
}

struct FigureVisitor<T>(PhantomData<T>);

impl<T> FigureVisitor<T> {
    fn bare<E: de::Error>(shown: impl fmt::Display) -> E {
        E::custom(format_args!(
            "{MISSING_ORIGIN}: write {{ value = {shown}, origin = \"seed\" | \"public\" | \"assumption\" }}"
        ))
    }
}

impl<'de, T> Visitor<'de> for FigureVisitor<T>
where
    T: Deserialize<'de> + Quantity,
{
    type Value = Figure<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a figure: { value = <number>, origin = \"seed\" | \"public\" | \"assumption\" }",
        )
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Err(Self::bare(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Err(Self::bare(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(Self::bare(v))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
        Err(Self::bare("[...]"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value: Option<T> = None;
        let mut origin: Option<Origin> = None;
        let mut note: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "value" => value = Some(map.next_value()?),
                "origin" => origin = Some(map.next_value()?),
                "note" => note = Some(map.next_value()?),
                other => {
                    return Err(de::Error::unknown_field(
                        other,
                        &["value", "origin", "note"],
                    ));
                }
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
        let origin = origin.ok_or_else(|| {
            de::Error::custom(format_args!(
                "{MISSING_ORIGIN}: add origin = \"seed\" | \"public\" | \"assumption\""
            ))
        })?;
        let magnitude = value.magnitude();
        if magnitude.is_nan() || (magnitude.is_infinite() && magnitude < 0.0) {
            return Err(de::Error::custom(NOT_FINITE));
        }
        if magnitude < 0.0 {
            return Err(de::Error::custom(format_args!(
                "{NEGATIVE}: {magnitude} (capacities, counts and ratings cannot be negative)"
            )));
        }
        Ok(Figure {
            value,
            origin,
            note,
        })
    }
}
