//! The declarations every scalar function is written with.
//!
//! [`scalar_udf!`] writes a function's struct and its whole
//! `ScalarUDFImpl` from a name, the accepted arities, the declared
//! parameters ([`Param`](crate::common::Param): name and coercion), the
//! result type ([`OutputType`](crate::common::OutputType)) and the body,
//! which reads its arguments and writes its rows through
//! [`Rows`](crate::common::Rows) (constant-or-column arguments, NULLs,
//! builder and scalar results are the driver's). [`summary_accessor!`]
//! builds on it for the accessors of a summary (`active_days(summary)`,
//! `survival_at(summary, days)`, ...): decode the summary, call core.
//!
//! In the spirit of DataFusion's `make_udf_function!` and the TimescaleDB
//! Toolkit's `accessor!`: a function is a declaration plus the one call into
//! `churnkit-core` that is its meaning.

/// The struct of a function (scalar or aggregate): its signature is
/// user-defined (the declared parameters coerce) and immutable.
macro_rules! udf_struct {
    ($(#[$meta:meta])* $vis:vis struct $ty:ident;) => {
        $(#[$meta])*
        #[derive(Debug, PartialEq, Eq, Hash)]
        $vis struct $ty {
            signature: datafusion::logical_expr::Signature,
        }

        impl Default for $ty {
            fn default() -> Self {
                Self::new()
            }
        }

        impl $ty {
            pub fn new() -> Self {
                Self {
                    signature: datafusion::logical_expr::Signature::user_defined(
                        datafusion::logical_expr::Volatility::Immutable,
                    ),
                }
            }
        }
    };
}
pub(crate) use udf_struct;

/// The methods every churnkit function's `ScalarUDFImpl` and
/// `AggregateUDFImpl` share: name, signature, coercion by the declared
/// parameters, result type and the documentation of its docs entry.
macro_rules! udf_methods {
    ($name:expr, |$types:ident| $coerce:expr, $ret:expr) => {
        fn name(&self) -> &str {
            $name
        }

        fn signature(&self) -> &datafusion::logical_expr::Signature {
            &self.signature
        }

        fn coerce_types(
            &self,
            $types: &[datafusion::arrow::datatypes::DataType],
        ) -> datafusion::common::Result<Vec<datafusion::arrow::datatypes::DataType>> {
            $coerce
        }

        fn return_type(
            &self,
            _arg_types: &[datafusion::arrow::datatypes::DataType],
        ) -> datafusion::common::Result<datafusion::arrow::datatypes::DataType> {
            Ok($ret)
        }

        fn documentation(&self) -> Option<&datafusion::logical_expr::Documentation> {
            $crate::docs::documentation($name)
        }
    };
}
pub(crate) use udf_methods;

/// A scalar function: its struct, `Default`/`new` and `ScalarUDFImpl`.
///
/// ```text
/// scalar_udf! {
///     pub struct HealthTierFunc;
///     name: "health_tier",
///     arities: &[1, 2, 3],
///     params: &[Param::f64("score"), Param::f64("good_at"), Param::f64("poor_below")],
///     returns: Utf8Type,
///     strict: true,
///     invoke: |rows| { ... rows.map_strict::<Utf8Type, _>(...) },
/// }
/// ```
///
/// `coerce: |arg_types| ...` replaces `arities`/`params` for a function
/// whose argument types depend on their number; `return_type: expr`
/// replaces `returns` for a result that is not an
/// [`OutputType`](crate::common::OutputType) (lists).
macro_rules! scalar_udf {
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident;
        name: $name:expr,
        arities: $arities:expr,
        params: $params:expr,
        $($rest:tt)*
    ) => {
        $crate::udf::scalar_udf! {
            $(#[$meta])*
            $vis struct $ty;
            name: $name,
            coerce: |arg_types| $crate::common::coerce_args($name, arg_types, $arities, $params),
            $($rest)*
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident;
        name: $name:expr,
        coerce: |$types:ident| $coerce:expr,
        returns: $out:ty,
        $($rest:tt)*
    ) => {
        $crate::udf::scalar_udf! {
            $(#[$meta])*
            $vis struct $ty;
            name: $name,
            coerce: |$types| $coerce,
            return_type: <$out as $crate::common::OutputType>::data_type(),
            $($rest)*
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident;
        name: $name:expr,
        coerce: |$types:ident| $coerce:expr,
        return_type: $ret:expr,
        strict: $strict:expr,
        invoke: |$rows:ident| $body:expr $(,)?
    ) => {
        $crate::udf::udf_struct! {
            $(#[$meta])*
            $vis struct $ty;
        }

        impl datafusion::logical_expr::ScalarUDFImpl for $ty {
            $crate::udf::udf_methods!($name, |$types| $coerce, $ret);

            fn is_strict(&self) -> bool {
                $strict
            }

            fn invoke_with_args(
                &self,
                args: datafusion::logical_expr::ScalarFunctionArgs,
            ) -> datafusion::common::Result<datafusion::logical_expr::ColumnarValue> {
                let $rows = $crate::common::Rows::new($name, &args);
                $body
            }
        }
    };
}
pub(crate) use scalar_udf;

/// An accessor of a summary type: `name(summary [, arg])`, strict (NULL
/// when an argument is NULL), the summary decoded (and validated) by core,
/// the value computed by core. The body returns core's
/// `Result<Option<value>>`.
///
/// ```text
/// summary_accessor! {
///     pub struct SurvivalAtFunc;
///     name: "survival_at",
///     summary: "summary" => SurvivalSummary::decode,
///     arg: Param::f64("days") => Float64Type,
///     returns: Float64Type,
///     |s, days| s.survival_at(days).map(Some)
/// }
/// ```
macro_rules! summary_accessor {
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident;
        name: $name:expr,
        summary: $sparam:literal => $decode:expr,
        returns: $out:ty,
        |$s:ident| $body:expr $(,)?
    ) => {
        $crate::udf::scalar_udf! {
            $(#[$meta])*
            $vis struct $ty;
            name: $name,
            arities: &[1],
            params: &[$crate::common::Param::binary($sparam)],
            returns: $out,
            strict: true,
            invoke: |rows| {
                let summary = rows.arg::<datafusion::arrow::datatypes::BinaryType>(0)?;
                rows.map_strict::<$out, _>(&summary, |bytes| {
                    let $s = ($decode)(bytes)
                        .map_err($crate::common::exec_err)?;
                    $body.map_err($crate::common::exec_err)
                })
            },
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident;
        name: $name:expr,
        summary: $sparam:literal => $decode:expr,
        arg: $param:expr => $arg_ty:ty,
        returns: $out:ty,
        |$s:ident, $a:ident| $body:expr $(,)?
    ) => {
        $crate::udf::scalar_udf! {
            $(#[$meta])*
            $vis struct $ty;
            name: $name,
            arities: &[2],
            params: &[$crate::common::Param::binary($sparam), $param],
            returns: $out,
            strict: true,
            invoke: |rows| {
                let summary = rows.arg::<datafusion::arrow::datatypes::BinaryType>(0)?;
                let arg = rows.arg::<$arg_ty>(1)?;
                rows.map_strict::<$out, _>(&(summary, arg), |(bytes, $a)| {
                    let $s = ($decode)(bytes)
                        .map_err($crate::common::exec_err)?;
                    $body.map_err($crate::common::exec_err)
                })
            },
        }
    };
}
pub(crate) use summary_accessor;
