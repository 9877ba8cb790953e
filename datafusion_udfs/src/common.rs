//! Conversions shared by the adapters: error mapping, argument coercion,
//! typed access to scalar-or-array arguments, parameter caching and result
//! assembly. Nothing here knows a churnkit rule; every rule is in
//! `churnkit-core`.

use std::sync::Arc;

use churnkit_core::ChurnError;
use datafusion::arrow::array::{
    Array, ArrayRef, ArrowPrimitiveType, BinaryArray, BooleanArray, BooleanBuilder, Float64Array,
    Float64Builder, Int32Builder, Int64Builder, LargeStringArray, ListArray, PrimitiveArray,
    StringArray, StringBuilder, StringViewArray, TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{
    BinaryType, BooleanType, DataType, Field, Float64Type, Int32Type, Int64Type, TimeUnit,
    TimestampMicrosecondType, Utf8Type,
};
use datafusion::common::{internal_datafusion_err, plan_err, DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs};

/// A core error as a DataFusion execution error with the core's text
/// unchanged (e.g. `engagement_score: invalid active_days: 40 is greater
/// than period_days 30`).
pub fn exec_err(e: ChurnError) -> DataFusionError {
    DataFusionError::Execution(e.to_string())
}

/// `Timestamp(Microsecond, Some("UTC"))`: the timestamp type of every
/// churnkit function; its values are core timestamps (µs since 1970 UTC).
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC")))
}

/// `List<Float64>` with nullable elements (the `double[]` of Postgres).
pub fn f64_list_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true)))
}

// ---------------------------------------------------------------------------
// coercion (planning time)
// ---------------------------------------------------------------------------

/// Check the number of arguments against the accepted arities.
pub(crate) fn check_arity(
    function: &str,
    arg_types: &[DataType],
    accepted: &[usize],
    expected: &str,
) -> Result<()> {
    if accepted.contains(&arg_types.len()) {
        Ok(())
    } else {
        plan_err!(
            "{function} expects {expected} arguments, got {}",
            arg_types.len()
        )
    }
}

/// One declared argument of a function: its name (for messages) and the
/// coercion of its type.
#[derive(Clone, Copy)]
pub(crate) struct Param {
    pub name: &'static str,
    pub coerce: fn(&str, &str, &DataType) -> Result<DataType>,
}

impl Param {
    pub(crate) const fn f64(name: &'static str) -> Param {
        Param {
            name,
            coerce: coerce_f64,
        }
    }
    pub(crate) const fn i32(name: &'static str) -> Param {
        Param {
            name,
            coerce: coerce_i32,
        }
    }
    pub(crate) const fn timestamp(name: &'static str) -> Param {
        Param {
            name,
            coerce: coerce_timestamp,
        }
    }
    pub(crate) const fn string(name: &'static str) -> Param {
        Param {
            name,
            coerce: coerce_string,
        }
    }
    pub(crate) const fn binary(name: &'static str) -> Param {
        Param {
            name,
            coerce: coerce_binary,
        }
    }
    pub(crate) const fn boolean(name: &'static str) -> Param {
        Param {
            name,
            coerce: coerce_bool,
        }
    }
    pub(crate) const fn f64_list(name: &'static str) -> Param {
        Param {
            name,
            coerce: coerce_f64_list,
        }
    }
    pub(crate) const fn bool_list(name: &'static str) -> Param {
        Param {
            name,
            coerce: crate::aggregate::coerce_bool_list,
        }
    }
}

/// The accepted arities as the messages say them: "2", "1 or 2", "1 to 3",
/// "2, 4, 7 or 10".
fn arity_text(accepted: &[usize]) -> String {
    let consecutive = accepted.windows(2).all(|w| w[1] == w[0] + 1);
    match accepted {
        [] => "no".to_string(),
        [n] => n.to_string(),
        [a, b] => format!("{a} or {b}"),
        [a, .., b] if consecutive => format!("{a} to {b}"),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(usize::to_string).collect();
            format!("{} or {last}", rest.join(", "))
        }
    }
}

/// Check the arity, then coerce each argument by its declaration.
pub(crate) fn coerce_args(
    function: &str,
    arg_types: &[DataType],
    accepted: &[usize],
    params: &[Param],
) -> Result<Vec<DataType>> {
    check_arity(function, arg_types, accepted, &arity_text(accepted))?;
    arg_types
        .iter()
        .zip(params)
        .map(|(t, p)| (p.coerce)(function, p.name, t))
        .collect()
}

fn value_type(t: &DataType) -> &DataType {
    match t {
        DataType::Dictionary(_, v) => value_type(v),
        other => other,
    }
}

/// Any number (integer, unsigned, float, decimal) or NULL -> `Float64`.
pub(crate) fn coerce_f64(function: &str, argument: &str, t: &DataType) -> Result<DataType> {
    let v = value_type(t);
    if v.is_numeric() || v.is_null() {
        Ok(DataType::Float64)
    } else {
        plan_err!("{function}: argument {argument} must be a number, got {t}")
    }
}

/// Any integer or NULL -> `Int32` (a number of days; Postgres `int4`).
/// Floats are refused, as Postgres refuses an implicit numeric -> int4 cast.
pub(crate) fn coerce_i32(function: &str, argument: &str, t: &DataType) -> Result<DataType> {
    let v = value_type(t);
    if v.is_integer() || v.is_null() {
        Ok(DataType::Int32)
    } else {
        plan_err!("{function}: argument {argument} must be an integer, got {t}")
    }
}

/// Any timestamp (unit, time zone), `Date32`/`Date64`, a string or NULL ->
/// `Timestamp(Microsecond, "UTC")`. Strings without an offset and
/// timestamps without a time zone are read as UTC.
pub(crate) fn coerce_timestamp(function: &str, argument: &str, t: &DataType) -> Result<DataType> {
    match value_type(t) {
        DataType::Timestamp(_, _)
        | DataType::Date32
        | DataType::Date64
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Null => Ok(timestamp_type()),
        _ => plan_err!("{function}: argument {argument} must be a timestamp, a date or a timestamp string, got {t}"),
    }
}

/// Any string type or NULL -> `Utf8`.
pub(crate) fn coerce_string(function: &str, argument: &str, t: &DataType) -> Result<DataType> {
    match value_type(t) {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => {
            Ok(DataType::Utf8)
        }
        _ => plan_err!("{function}: argument {argument} must be a string, got {t}"),
    }
}

/// A churnkit summary (`Binary`, `LargeBinary`, `BinaryView`) or NULL ->
/// `Binary`.
pub(crate) fn coerce_binary(function: &str, argument: &str, t: &DataType) -> Result<DataType> {
    match value_type(t) {
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::Null => {
            Ok(DataType::Binary)
        }
        _ => plan_err!(
            "{function}: argument {argument} must be a churnkit summary (Binary), got {t}"
        ),
    }
}

/// Boolean or NULL -> `Boolean`.
pub(crate) fn coerce_bool(function: &str, argument: &str, t: &DataType) -> Result<DataType> {
    match value_type(t) {
        DataType::Boolean | DataType::Null => Ok(DataType::Boolean),
        _ => plan_err!("{function}: argument {argument} must be a boolean, got {t}"),
    }
}

/// A list (`List`, `LargeList`, `FixedSizeList`) of numbers or NULLs, or
/// NULL -> `List<Float64>`.
pub(crate) fn coerce_f64_list(function: &str, argument: &str, t: &DataType) -> Result<DataType> {
    let element = match t {
        DataType::Null => return Ok(f64_list_type()),
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => f.data_type(),
        _ => {
            return plan_err!(
                "{function}: argument {argument} must be an array of numbers, got {t}"
            )
        }
    };
    let e = value_type(element);
    if e.is_numeric() || e.is_null() {
        Ok(f64_list_type())
    } else {
        plan_err!("{function}: argument {argument} must be an array of numbers, got {t}")
    }
}

// ---------------------------------------------------------------------------
// typed argument access (execution time)
// ---------------------------------------------------------------------------

fn wrong_type(function: &str, index: usize, got: &DataType) -> DataFusionError {
    internal_datafusion_err!(
        "{function}: argument {} has unexpected type {got} after coercion",
        index + 1
    )
}

fn wrong_len(function: &str, index: usize, len: usize, rows: usize) -> DataFusionError {
    internal_datafusion_err!(
        "{function}: argument {} has {len} rows, expected {rows}",
        index + 1
    )
}

/// An argument type a function reads: how its constant form is read from a
/// [`ScalarValue`] and its column form from an array, without copying.
/// One implementation per Arrow type churnkit's signatures coerce to
/// (`Float64`, `Int32`, `Timestamp(µs)`, `Boolean`, `Utf8` in its three
/// layouts, `Binary`); every function reads its arguments through
/// [`Arg`].
pub(crate) trait ArgType {
    /// A value of one row, borrowed from the batch.
    type Value<'a>: Copy;
    /// The typed column.
    type Column<'a>: Copy;

    /// `Some(value)` when the scalar has this type (or is an untyped NULL).
    fn scalar(s: &ScalarValue) -> Option<Option<Self::Value<'_>>>;
    /// The typed column and its length, `None` for another type.
    fn column(a: &ArrayRef) -> Option<(Self::Column<'_>, usize)>;
    /// Row `i` of the column (`None` for NULL).
    fn value<'a>(c: Self::Column<'a>, i: usize) -> Option<Self::Value<'a>>;
}

/// An argument: one constant for the whole batch, or a column.
pub(crate) enum Arg<'a, T: ArgType> {
    Scalar(Option<T::Value<'a>>),
    Column(T::Column<'a>),
}

impl<'a, T: ArgType> Arg<'a, T> {
    /// The value of row `i` (`None` for NULL). `i` is below the batch's row count.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<T::Value<'a>> {
        match self {
            Arg::Scalar(v) => *v,
            Arg::Column(c) => T::value(*c, i),
        }
    }
}

/// Read argument `index` as type `T` (checked against the batch's `rows`).
pub(crate) fn arg<'a, T: ArgType>(
    function: &str,
    args: &'a [ColumnarValue],
    index: usize,
    rows: usize,
) -> Result<Arg<'a, T>> {
    match args.get(index) {
        Some(ColumnarValue::Scalar(s)) => T::scalar(s)
            .map(Arg::Scalar)
            .ok_or_else(|| wrong_type(function, index, &s.data_type())),
        Some(ColumnarValue::Array(a)) => {
            let (column, len) =
                T::column(a).ok_or_else(|| wrong_type(function, index, a.data_type()))?;
            if len != rows {
                return Err(wrong_len(function, index, len, rows));
            }
            Ok(Arg::Column(column))
        }
        None => Err(internal_datafusion_err!(
            "{function}: missing argument {}",
            index + 1
        )),
    }
}

/// An optional argument: a missing argument is the constant `default`.
pub(crate) fn arg_or<'a, T: ArgType>(
    function: &str,
    args: &'a [ColumnarValue],
    index: usize,
    rows: usize,
    default: T::Value<'a>,
) -> Result<Arg<'a, T>> {
    if index < args.len() {
        arg(function, args, index, rows)
    } else {
        Ok(Arg::Scalar(Some(default)))
    }
}

/// The primitive argument types and how a scalar of each is spelled.
macro_rules! primitive_arg {
    ($($t:ty => $scalar:pat => $v:ident),* $(,)?) => {$(
        impl ArgType for $t {
            type Value<'a> = <$t as ArrowPrimitiveType>::Native;
            type Column<'a> = &'a PrimitiveArray<$t>;

            fn scalar(s: &ScalarValue) -> Option<Option<Self::Value<'_>>> {
                match s {
                    $scalar => Some(*$v),
                    other if other.is_null() => Some(None),
                    _ => None,
                }
            }

            fn column(a: &ArrayRef) -> Option<(Self::Column<'_>, usize)> {
                let c = a.as_any().downcast_ref::<PrimitiveArray<$t>>()?;
                Some((c, c.len()))
            }

            #[inline]
            fn value<'a>(c: Self::Column<'a>, i: usize) -> Option<Self::Value<'a>> {
                c.is_valid(i).then(|| c.value(i))
            }
        }
    )*};
}

primitive_arg!(
    Float64Type => ScalarValue::Float64(v) => v,
    Int32Type => ScalarValue::Int32(v) => v,
    // the value is UTC whatever the zone annotation
    TimestampMicrosecondType => ScalarValue::TimestampMicrosecond(v, _) => v,
);

impl ArgType for BooleanType {
    type Value<'a> = bool;
    type Column<'a> = &'a BooleanArray;

    fn scalar(s: &ScalarValue) -> Option<Option<bool>> {
        match s {
            ScalarValue::Boolean(v) => Some(*v),
            other if other.is_null() => Some(None),
            _ => None,
        }
    }

    fn column(a: &ArrayRef) -> Option<(&BooleanArray, usize)> {
        let c = a.as_any().downcast_ref::<BooleanArray>()?;
        Some((c, c.len()))
    }

    #[inline]
    fn value<'a>(c: Self::Column<'a>, i: usize) -> Option<Self::Value<'a>> {
        c.is_valid(i).then(|| c.value(i))
    }
}

/// A string column in any of Arrow's three layouts.
#[derive(Clone, Copy)]
pub(crate) enum StrColumn<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

/// A string argument (borrowed from the batch: reading it never allocates).
impl ArgType for Utf8Type {
    type Value<'a> = &'a str;
    type Column<'a> = StrColumn<'a>;

    fn scalar(s: &ScalarValue) -> Option<Option<&str>> {
        match s {
            ScalarValue::Utf8(v) | ScalarValue::LargeUtf8(v) | ScalarValue::Utf8View(v) => {
                Some(v.as_deref())
            }
            other if other.is_null() => Some(None),
            _ => None,
        }
    }

    fn column(a: &ArrayRef) -> Option<(StrColumn<'_>, usize)> {
        let any = a.as_any();
        if let Some(c) = any.downcast_ref::<StringArray>() {
            Some((StrColumn::Utf8(c), c.len()))
        } else if let Some(c) = any.downcast_ref::<LargeStringArray>() {
            Some((StrColumn::Large(c), c.len()))
        } else {
            any.downcast_ref::<StringViewArray>()
                .map(|c| (StrColumn::View(c), c.len()))
        }
    }

    #[inline]
    fn value<'a>(c: Self::Column<'a>, i: usize) -> Option<Self::Value<'a>> {
        match c {
            StrColumn::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            StrColumn::Large(a) => a.is_valid(i).then(|| a.value(i)),
            StrColumn::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// A `Binary` argument (a summary), borrowed from the batch.
impl ArgType for BinaryType {
    type Value<'a> = &'a [u8];
    type Column<'a> = &'a BinaryArray;

    fn scalar(s: &ScalarValue) -> Option<Option<&[u8]>> {
        match s {
            ScalarValue::Binary(v) => Some(v.as_deref()),
            other if other.is_null() => Some(None),
            _ => None,
        }
    }

    fn column(a: &ArrayRef) -> Option<(&BinaryArray, usize)> {
        let c = a.as_any().downcast_ref::<BinaryArray>()?;
        Some((c, c.len()))
    }

    #[inline]
    fn value<'a>(c: Self::Column<'a>, i: usize) -> Option<Self::Value<'a>> {
        c.is_valid(i).then(|| c.value(i))
    }
}

pub(crate) type F64<'a> = Arg<'a, Float64Type>;

/// A `List<Float64>` argument, read row by row into a reusable buffer.
pub(crate) struct F64List<'a> {
    list: &'a ListArray,
    values: &'a Float64Array,
    /// A constant: every row reads element 0.
    scalar: bool,
}

impl F64List<'_> {
    pub(crate) fn is_scalar(&self) -> bool {
        self.scalar
    }

    /// Fill `out` with the elements of row `i` (NULL elements as `None`).
    /// Returns `Ok(false)` when the list itself is NULL. Never allocates
    /// once `out` has grown to the longest list.
    pub(crate) fn read(
        &self,
        function: &str,
        i: usize,
        out: &mut Vec<Option<f64>>,
    ) -> Result<bool> {
        let row = if self.scalar { 0 } else { i };
        out.clear();
        if self.list.is_null(row) {
            return Ok(false);
        }
        let offsets = self.list.value_offsets();
        let (start, end) = match (offsets.get(row), offsets.get(row + 1)) {
            (Some(&s), Some(&e)) if s >= 0 && s <= e && (e as usize) <= self.values.len() => {
                (s as usize, e as usize)
            }
            _ => {
                return Err(internal_datafusion_err!(
                    "{function}: malformed list offsets"
                ))
            }
        };
        out.extend((start..end).map(|j| {
            if self.values.is_null(j) {
                None
            } else {
                Some(self.values.value(j))
            }
        }));
        Ok(true)
    }
}

pub(crate) fn f64_list<'a>(
    function: &str,
    args: &'a [ColumnarValue],
    index: usize,
    rows: usize,
) -> Result<Option<F64List<'a>>> {
    match args.get(index) {
        Some(ColumnarValue::Scalar(ScalarValue::List(l))) => {
            from_list(function, index, l, true, rows).map(Some)
        }
        Some(ColumnarValue::Scalar(s)) if s.is_null() => Ok(None),
        Some(ColumnarValue::Scalar(s)) => Err(wrong_type(function, index, &s.data_type())),
        Some(ColumnarValue::Array(a)) => {
            let list = a
                .as_any()
                .downcast_ref::<ListArray>()
                .ok_or_else(|| wrong_type(function, index, a.data_type()))?;
            from_list(function, index, list, false, rows).map(Some)
        }
        None => Err(internal_datafusion_err!(
            "{function}: missing argument {}",
            index + 1
        )),
    }
}

fn from_list<'a>(
    function: &str,
    index: usize,
    list: &'a ListArray,
    scalar: bool,
    rows: usize,
) -> Result<F64List<'a>> {
    let expected = if scalar { 1 } else { rows };
    if list.len() != expected {
        return Err(wrong_len(function, index, list.len(), expected));
    }
    let values = list
        .values()
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| wrong_type(function, index, list.data_type()))?;
    Ok(F64List {
        list,
        values,
        scalar,
    })
}

// ---------------------------------------------------------------------------
// parameter cache and results
// ---------------------------------------------------------------------------

/// The last parameter set parsed/validated for a batch.
///
/// When the parameter arguments are constants, the key is the same for every
/// row, so the parameters are validated once per batch (on the first row that
/// needs them: like a STRICT Postgres function, a batch whose rows are all
/// NULL raises nothing). When they are columns, a run of equal values is
/// parsed once.
pub(crate) struct LastParsed<K, V> {
    last: Option<(K, V)>,
}

impl<K: SameKey, V: Copy> LastParsed<K, V> {
    pub(crate) fn new() -> Self {
        LastParsed { last: None }
    }

    #[inline]
    pub(crate) fn get(
        &mut self,
        key: K,
        parse: impl FnOnce(&K) -> churnkit_core::Result<V>,
    ) -> Result<V> {
        if let Some((k, v)) = &self.last {
            if k.same(&key) {
                return Ok(*v);
            }
        }
        let v = parse(&key).map_err(exec_err)?;
        self.last = Some((key, v));
        Ok(v)
    }
}

/// Key equality for [`LastParsed`]: strings compare by pointer first (a
/// constant argument is the same slice on every row), floats bitwise.
pub(crate) trait SameKey {
    fn same(&self, other: &Self) -> bool;
}

impl SameKey for &str {
    #[inline]
    fn same(&self, other: &Self) -> bool {
        (self.as_ptr() == other.as_ptr() && self.len() == other.len()) || self == other
    }
}

impl<const N: usize> SameKey for [&str; N] {
    #[inline]
    fn same(&self, other: &Self) -> bool {
        self.iter().zip(other).all(|(a, b)| a.same(b))
    }
}

impl<const N: usize> SameKey for [f64; N] {
    #[inline]
    fn same(&self, other: &Self) -> bool {
        self.iter()
            .zip(other)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl<const N: usize> SameKey for [i32; N] {
    #[inline]
    fn same(&self, other: &Self) -> bool {
        self == other
    }
}

/// True when every argument is a constant: the function then computes one
/// row and returns a scalar.
pub(crate) fn all_scalar(args: &[ColumnarValue]) -> bool {
    args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)))
}

/// Wrap a computed array: a scalar when every input was a scalar.
pub(crate) fn finish(array: ArrayRef, scalar: bool) -> Result<ColumnarValue> {
    if scalar {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(
            &array, 0,
        )?))
    } else {
        Ok(ColumnarValue::Array(array))
    }
}

// ---------------------------------------------------------------------------
// the row driver of every scalar function
// ---------------------------------------------------------------------------

/// A result type a function writes: its Arrow builder.
pub(crate) trait OutputType {
    /// The value of one row.
    type Item;
    type Builder;
    /// The function's return type.
    fn data_type() -> DataType;
    fn builder(rows: usize) -> Self::Builder;
    fn append(b: &mut Self::Builder, v: Option<Self::Item>);
    fn finish(b: Self::Builder) -> ArrayRef;
}

macro_rules! primitive_output {
    ($($t:ty => $builder:ty => $dt:expr),* $(,)?) => {$(
        impl OutputType for $t {
            type Item = <$t as ArrowPrimitiveType>::Native;
            type Builder = $builder;
            fn data_type() -> DataType {
                $dt
            }
            fn builder(rows: usize) -> $builder {
                <$builder>::with_capacity(rows)
            }
            #[inline]
            fn append(b: &mut $builder, v: Option<Self::Item>) {
                b.append_option(v)
            }
            fn finish(mut b: $builder) -> ArrayRef {
                Arc::new(b.finish())
            }
        }
    )*};
}

primitive_output!(
    Float64Type => Float64Builder => DataType::Float64,
    Int32Type => Int32Builder => DataType::Int32,
    Int64Type => Int64Builder => DataType::Int64,
);

/// Timestamps are written in UTC (`Timestamp(Microsecond, "UTC")`).
impl OutputType for TimestampMicrosecondType {
    type Item = i64;
    type Builder = TimestampMicrosecondBuilder;
    fn data_type() -> DataType {
        timestamp_type()
    }
    fn builder(rows: usize) -> Self::Builder {
        TimestampMicrosecondBuilder::with_capacity(rows)
    }
    #[inline]
    fn append(b: &mut Self::Builder, v: Option<i64>) {
        b.append_option(v)
    }
    fn finish(mut b: Self::Builder) -> ArrayRef {
        Arc::new(b.finish().with_timezone("UTC"))
    }
}

impl OutputType for BooleanType {
    type Item = bool;
    type Builder = BooleanBuilder;
    fn data_type() -> DataType {
        DataType::Boolean
    }
    fn builder(rows: usize) -> BooleanBuilder {
        BooleanBuilder::with_capacity(rows)
    }
    #[inline]
    fn append(b: &mut BooleanBuilder, v: Option<bool>) {
        b.append_option(v)
    }
    fn finish(mut b: BooleanBuilder) -> ArrayRef {
        Arc::new(b.finish())
    }
}

/// The names churnkit's functions return (tiers, stages, states) are
/// static strings.
impl OutputType for Utf8Type {
    type Item = &'static str;
    type Builder = StringBuilder;
    fn data_type() -> DataType {
        DataType::Utf8
    }
    fn builder(rows: usize) -> StringBuilder {
        StringBuilder::with_capacity(rows, rows * 8)
    }
    #[inline]
    fn append(b: &mut StringBuilder, v: Option<&'static str>) {
        b.append_option(v)
    }
    fn finish(mut b: StringBuilder) -> ArrayRef {
        Arc::new(b.finish())
    }
}

/// Arguments read together: the row's values when none is NULL (a strict
/// function's NULL propagation).
pub(crate) trait Strict<'a> {
    type Values;
    fn values(&self, i: usize) -> Option<Self::Values>;
}

impl<'a, A: ArgType> Strict<'a> for Arg<'a, A> {
    type Values = A::Value<'a>;
    #[inline]
    fn values(&self, i: usize) -> Option<Self::Values> {
        self.get(i)
    }
}

macro_rules! strict_tuple {
    ($($a:ident $i:tt),+) => {
        impl<'a, $($a: ArgType),+> Strict<'a> for ($(Arg<'a, $a>,)+) {
            type Values = ($($a::Value<'a>,)+);
            #[inline]
            fn values(&self, i: usize) -> Option<Self::Values> {
                Some(($(self.$i.get(i)?,)+))
            }
        }
    };
}

strict_tuple!(A 0, B 1);
strict_tuple!(A 0, B 1, C 2);
strict_tuple!(A 0, B 1, C 2, D 3);
strict_tuple!(A 0, B 1, C 2, D 3, E 4);

/// One call of a scalar function: its arguments and number of rows. Owns
/// what every function shares: constant-or-column arguments, the builder,
/// and the result's form (a scalar when every argument was a constant, in
/// the spirit of datafusion-functions-json's `invoke`).
pub(crate) struct Rows<'a> {
    function: &'a str,
    args: &'a [ColumnarValue],
    rows: usize,
    scalar: bool,
}

impl<'a> Rows<'a> {
    pub(crate) fn new(function: &'a str, args: &'a ScalarFunctionArgs) -> Self {
        let scalar = all_scalar(&args.args);
        Rows {
            function,
            args: &args.args,
            rows: if scalar { 1 } else { args.number_rows },
            scalar,
        }
    }

    /// The number of rows computed (1 when every argument is a constant).
    pub(crate) fn len(&self) -> usize {
        self.rows
    }

    /// Whether the result is a scalar.
    pub(crate) fn is_scalar(&self) -> bool {
        self.scalar
    }

    /// The arguments, for what [`Rows::arg`] does not read.
    pub(crate) fn args(&self) -> &'a [ColumnarValue] {
        self.args
    }

    /// Argument `index` as type `T`.
    pub(crate) fn arg<T: ArgType>(&self, index: usize) -> Result<Arg<'a, T>> {
        arg(self.function, self.args, index, self.rows)
    }

    /// Optional argument `index`, `default` when it is missing.
    pub(crate) fn arg_or<T: ArgType>(
        &self,
        index: usize,
        default: T::Value<'a>,
    ) -> Result<Arg<'a, T>> {
        arg_or(self.function, self.args, index, self.rows, default)
    }

    /// Optional argument `index`, NULL when it is missing.
    pub(crate) fn arg_or_null<T: ArgType>(&self, index: usize) -> Result<Arg<'a, T>> {
        if index < self.args.len() {
            self.arg(index)
        } else {
            Ok(Arg::Scalar(None))
        }
    }

    /// A `List<Float64>` argument (`None` for a NULL constant).
    pub(crate) fn f64_list(&self, index: usize) -> Result<Option<F64List<'a>>> {
        f64_list(self.function, self.args, index, self.rows)
    }

    /// The result of each row from `row`, as an `O` column (or scalar).
    pub(crate) fn map<O: OutputType>(
        &self,
        mut row: impl FnMut(usize) -> Result<Option<O::Item>>,
    ) -> Result<ColumnarValue> {
        let mut out = O::builder(self.rows);
        for i in 0..self.rows {
            O::append(&mut out, row(i)?);
        }
        finish(O::finish(out), self.scalar)
    }

    /// As [`Rows::map`] for a strict function: a row with a NULL argument
    /// of `args` is NULL; `row` sees the others' values.
    pub(crate) fn map_strict<O: OutputType, S: Strict<'a>>(
        &self,
        args: &S,
        mut row: impl FnMut(S::Values) -> Result<Option<O::Item>>,
    ) -> Result<ColumnarValue> {
        self.map::<O>(|i| match args.values(i) {
            Some(v) => row(v),
            None => Ok(None),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::arity_text;

    #[test]
    fn arities_are_said_as_the_messages_always_said_them() {
        assert_eq!(arity_text(&[2]), "2");
        assert_eq!(arity_text(&[1, 2]), "1 or 2");
        assert_eq!(arity_text(&[1, 2, 3]), "1 to 3");
        assert_eq!(arity_text(&[5, 6, 7, 8, 9]), "5 to 9");
        assert_eq!(arity_text(&[2, 4, 7, 10]), "2, 4, 7 or 10");
    }
}
