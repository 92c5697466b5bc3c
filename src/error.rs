//! Why a table's copy failed, as far as the journey needs to know: a cause it can do something
//! about (start the table again) is a variant; everything else is a failure with its context.

use crate::{
    interrupt::Interrupted,
    retry::{self, ErrorClass},
};

/// The failure of one table's copy.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The source failed: connecting, describing or reading. When its connection was lost, the
    /// table starts again on a new one.
    #[error("reading the source")]
    Source(#[source] anyhow::Error),
    /// Several target connections were lost at once and the row count cannot tell whose
    /// batches the server committed: the table starts again (the side table makes that safe).
    #[error(
        "several connections were lost at once and the row count cannot tell which of their \
         batches were committed"
    )]
    AmbiguousCommit,
    /// The user asked the run to stop.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// Anything else; the context says what was being done.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl TableError {
    /// A failure of the source side.
    pub fn source(error: impl Into<anyhow::Error>) -> Self {
        TableError::Source(error.into())
    }

    /// Does starting the table again (from the beginning, into a new side table) have a chance?
    pub fn restarts(&self) -> bool {
        match self {
            TableError::Source(e) => {
                retry::classify(e) == (ErrorClass::Transient { reconnect: true })
            }
            TableError::AmbiguousCommit => true,
            TableError::Interrupted(_) | TableError::Failed(_) => false,
        }
    }

    /// Adds what was being done; the result is a plain failure (nothing to restart).
    pub fn context(self, what: String) -> Self {
        TableError::Failed(self.into_anyhow().context(what))
    }

    /// As an `anyhow` error, for the log and the report.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            TableError::Failed(e) => e,
            other => anyhow::Error::new(other),
        }
    }
}
