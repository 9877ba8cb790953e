//! Reading the views' batches: columns by name, any type the views produce.

use super::*;

/// One view's batches, read column by column (by name).
pub(super) struct View<'a> {
    pub(super) name: &'a str,
    pub(super) batches: &'a [RecordBatch],
}

impl<'a> View<'a> {
    pub(super) fn get(
        views: &'a BTreeMap<String, Vec<RecordBatch>>,
        name: &'a str,
    ) -> Result<Self> {
        let batches = views
            .get(name)
            .ok_or_else(|| CliError::msg(format!("report: view {name} was not given")))?;
        Ok(View { name, batches })
    }

    pub(super) fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    pub(super) fn has_column(&self, column: &str) -> bool {
        self.batches
            .first()
            .is_some_and(|b| b.schema_ref().index_of(column).is_ok())
    }

    /// The column's array in every batch.
    pub(super) fn arrays(&self, column: &str) -> Result<Vec<&'a ArrayRef>> {
        self.batches
            .iter()
            .map(|b| match b.schema_ref().index_of(column) {
                Ok(i) => Ok(b.column(i)),
                Err(_) => Err(CliError::msg(format!(
                    "report: view {} has no column \"{column}\"",
                    self.name
                ))),
            })
            .collect()
    }

    pub(super) fn wrong_type(
        &self,
        column: &str,
        data_type: &DataType,
        expected: &str,
    ) -> CliError {
        CliError::msg(format!(
            "report: column \"{column}\" of view {} is {data_type}, not {expected}",
            self.name
        ))
    }

    /// A numeric column as floats; NULL, NaN and infinities are `None`.
    pub(super) fn numbers(&self, column: &str) -> Result<Vec<Option<f64>>> {
        let mut values = Vec::with_capacity(self.rows());
        for array in self.arrays(column)? {
            let data_type = array.data_type();
            if !(data_type.is_numeric() || *data_type == DataType::Null) {
                return Err(self.wrong_type(column, data_type, "a number"));
            }
            let floats = cast(array, &DataType::Float64)?;
            values.extend(
                floats
                    .as_primitive::<Float64Type>()
                    .iter()
                    .map(|v| v.filter(|x| x.is_finite())),
            );
        }
        Ok(values)
    }

    /// A date or timestamp column as days since 1970-01-01 (UTC).
    pub(super) fn dates(&self, column: &str) -> Result<Vec<Option<i32>>> {
        let mut values = Vec::with_capacity(self.rows());
        for array in self.arrays(column)? {
            let data_type = array.data_type();
            let ok = matches!(
                data_type,
                DataType::Date32
                    | DataType::Date64
                    | DataType::Timestamp(_, _)
                    | DataType::Null
                    | DataType::Utf8
                    | DataType::LargeUtf8
                    | DataType::Utf8View
            );
            if !ok {
                return Err(self.wrong_type(column, data_type, "a date"));
            }
            let days = cast(array, &DataType::Date32)?;
            values.extend(days.as_primitive::<Date32Type>().iter());
        }
        Ok(values)
    }

    /// Any column as display text (text columns as they are).
    pub(super) fn texts(&self, column: &str) -> Result<Vec<Option<String>>> {
        let options = FormatOptions::default();
        let mut values = Vec::with_capacity(self.rows());
        for array in self.arrays(column)? {
            let formatter = ArrayFormatter::try_new(array.as_ref(), &options)?;
            let nulls = array.logical_nulls();
            for i in 0..array.len() {
                if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                    values.push(None);
                } else {
                    values.push(Some(formatter.value(i).to_string()));
                }
            }
        }
        Ok(values)
    }
}
