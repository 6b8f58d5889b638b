// Batch files for `texforge batch`: rows of requests in CSV (RFC 4180) or JSON, each turned into
// GenerationParams over the command line's options. Parsing only: nothing is checked against the
// model or the disk here (main.cpp runs checkParams and checkLocalInputs on every row).
#pragma once

#include <string>
#include <vector>

#include "texforge/error.h"
#include "texforge/params.h"

namespace texforge::cli {

// The host_metadata keys a batch row's job carries, so a later run finds it in the journal.
inline constexpr char kBatchMetadataKey[] = "texforge.batch";         // the batch id (the file's path)
inline constexpr char kBatchRowMetadataKey[] = "texforge.batch.row";  // BatchRow::key

struct BatchRow {
  int number = 0;           // 1-based among the requests, as messages name it ("row 3")
  int line = 0;             // CSV: the line the record starts on (quoted newlines make them differ); JSON: 0
  GenerationParams params;  // the defaults with the row's cells over them; local files absolute
  std::string key;          // its identity in the journal: its name, else "#<number>"
  std::string label;        // what progress lines call it: its name, else "row <number>"
};

// "row 3 (line 4)" for a CSV row, "row 3" for a JSON one: how every message names it.
std::string rowPlace(const BatchRow& row);

// One CSV record and the line it starts on (1-based).
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// Splits CSV text into records: fields separated by ',', records by LF or CRLF; a field in double
// quotes may hold commas, newlines and "" for a quote. Blank lines are skipped; a UTF-8 BOM is
// dropped. Errors (kInvalidArgument): an unterminated quote, text after a closing quote.
Result<std::vector<CsvRecord>> splitCsv(const std::string& text);

// Parses a batch file's text: JSON when its first non-blank character is '[' or '{' (an array of
// objects, or {"requests": [...]}), else CSV with a header row. Columns or keys (any case): prompt
// (required), name, outputs, size (WxH or auto), quality, background, ref (several: ';'-separated in
// CSV, an array in JSON), mask, seamless (true/false, 1/0, yes/no), alpha (model|matte), matte
// (#RRGGBB), usage. Empty cells and null keep the defaults; a non-empty ref replaces the default
// references. Relative files are taken relative to base_dir. Every row's host_metadata gets
// kBatchMetadataKey = batch_id and kBatchRowMetadataKey = its key. Errors (kInvalidArgument), naming
// the row (and line) and the column: an unknown column, a value of the wrong form, a row with more
// cells than the header, a name used by two rows, a file with no requests.
Result<std::vector<BatchRow>> parseBatchText(const std::string& text, const GenerationParams& defaults,
                                             const std::string& base_dir, const std::string& batch_id);

// Reads the file and parses it with its folder as base_dir and its canonical absolute path as the
// batch id. Errors: kNotFound (no such file), kIo, and parseBatchText's, prefixed with the path.
Result<std::vector<BatchRow>> readBatchFile(const std::string& path, const GenerationParams& defaults);

}  // namespace texforge::cli
