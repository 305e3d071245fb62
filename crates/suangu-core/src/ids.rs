//! Typed identifiers. An id is the string the scenario file gives it; the type says what it names,
//! so a feeder id cannot be passed where a centre id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

id!(/// A functional zone of the park ("six zones").
    ZoneId);
id!(/// A data centre (computing centre, building).
    CentreId);
id!(/// A grid connection point outside the park.
    GridId);
id!(/// A substation.
    SubstationId);
id!(/// A transformer, unique across the park.
    TransformerId);
id!(/// A medium-voltage feeder from a transformer to one or more centres.
    FeederId);
id!(/// A cooling plant of a centre, unique across the park.
    CoolingId);
id!(/// A green plant (wind, PV, storage).
    PlantId);
id!(/// An eastern demand region or another hub node.
    RegionId);
id!(/// A node of the power chain upstream of a substation: a grid connection or a substation.
    SupplyNodeId);
