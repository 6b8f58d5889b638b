// Reads `texforge batch` files: CSV records or JSON objects, one request each, over the command
// line's options. Every refusal names the row and the column, since a batch is fixed by editing it.
#include "cli_batch_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "texforge/project_files.h"

namespace texforge::cli {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxBatchFileBytes = 64u << 20;
constexpr const char* kColumns[] = {"prompt", "name", "outputs",  "size",  "quality", "background",
                                    "ref",    "mask", "seamless", "alpha", "matte",   "usage"};

std::string lowered(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool knownColumn(const std::string& name) {
  return std::find_if(std::begin(kColumns), std::end(kColumns), [&](const char* c) { return name == c; }) !=
         std::end(kColumns);
}

std::string columnList() {
  std::string out;
  for (const char* c : kColumns) out += std::string(out.empty() ? "" : ", ") + c;
  return out;
}

// "row 3 (line 4)" for CSV, "row 3" for JSON.
std::string rowText(int number, int line) {
  return "row " + std::to_string(number) + (line > 0 ? " (line " + std::to_string(line) + ")" : "");
}

Error rowError(int number, int line, const std::string& column, const std::string& message) {
  return makeError(ErrorCode::kInvalidArgument,
                   rowText(number, line) + ", column " + column + ": " + message);
}

ImageInput inputFrom(const std::string& text, const std::string& base_dir) {
  ImageInput input = imageInputFromArgument(text);
  if (!input.isAsset()) {
    fs::path path(input.local_path);
    if (path.is_relative()) path = fs::path(base_dir) / path;
    input.local_path = path.lexically_normal().string();
  }
  return input;
}

// Sets one column of params from its text (already trimmed, not empty).
Status applyCell(const std::string& column, const std::string& value, const std::vector<std::string>& refs,
                 const std::string& base_dir, GenerationParams* p) {
  if (column == "prompt") {
    p->prompt = value;
  } else if (column == "name") {
    p->name = value;
  } else if (column == "outputs") {
    return parseOutputsValue(value, p);
  } else if (column == "size") {
    return parseSizeValue(value, p, "size");
  } else if (column == "quality") {
    p->quality = value;
  } else if (column == "background") {
    p->background = value;
  } else if (column == "ref") {
    p->reference_images.clear();
    for (const std::string& ref : refs) p->reference_images.push_back(inputFrom(ref, base_dir));
  } else if (column == "mask") {
    p->mask = inputFrom(value, base_dir);
  } else if (column == "seamless") {
    return parseBoolValue(value, &p->seamless);
  } else if (column == "alpha") {
    return parseAlphaValue(value, p);
  } else if (column == "matte") {
    return parseMatteValue(value, p);
  } else if (column == "usage") {
    p->usage = value;
  }
  return Ok{};
}

std::vector<std::string> splitRefs(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(';', start), text.size());
    if (std::string ref = trimmed(text.substr(start, end - start)); !ref.empty()) out.push_back(ref);
    start = end + 1;
  }
  return out;
}

// A row from its cells (column -> text, refs apart), over the defaults.
Result<BatchRow> makeRow(int number, int line, const std::vector<std::pair<std::string, std::string>>& cells,
                         const std::vector<std::string>& refs, const GenerationParams& defaults,
                         const std::string& base_dir, const std::string& batch_id) {
  BatchRow row;
  row.number = number;
  row.line = line;
  row.params = defaults;
  for (const auto& [column, raw] : cells) {
    const std::string value = trimmed(raw);
    if (value.empty() && (column != "ref" || refs.empty())) continue;
    if (Status s = applyCell(column, value, refs, base_dir, &row.params); !s)
      return rowError(number, line, column, s.error().message);
  }
  if (trimmed(row.params.prompt).empty())
    return rowError(number, line, "prompt", "every request needs a prompt");
  row.key = row.params.name.empty() ? "#" + std::to_string(number) : row.params.name;
  row.label = row.params.name.empty() ? "row " + std::to_string(number) : row.params.name;
  row.params.host_metadata[kBatchMetadataKey] = batch_id;
  row.params.host_metadata[kBatchRowMetadataKey] = row.key;
  return row;
}

Result<std::vector<BatchRow>> parseCsv(const std::string& text, const GenerationParams& defaults,
                                       const std::string& base_dir, const std::string& batch_id) {
  auto records = splitCsv(text);
  if (!records) return records.error();
  if (records->empty())
    return makeError(ErrorCode::kInvalidArgument, "the file is empty; it needs a header row");
  std::vector<std::string> header;
  for (const std::string& cell : records->front().fields) {
    const std::string column = lowered(trimmed(cell));
    if (!knownColumn(column)) {
      return makeError(ErrorCode::kInvalidArgument, "line " + std::to_string(records->front().line) +
                                                        ": unknown column \"" + trimmed(cell) +
                                                        "\" in the header; the columns are " + columnList());
    }
    if (std::find(header.begin(), header.end(), column) != header.end())
      return makeError(ErrorCode::kInvalidArgument, "the header names the column " + column + " twice");
    header.push_back(column);
  }
  if (std::find(header.begin(), header.end(), "prompt") == header.end())
    return makeError(ErrorCode::kInvalidArgument,
                     "the header has no prompt column; the columns are " + columnList());
  std::vector<BatchRow> rows;
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    const bool blank = std::all_of(record.fields.begin(), record.fields.end(),
                                   [](const std::string& f) { return trimmed(f).empty(); });
    if (blank) continue;  // a line of spaces or bare commas, often at the end
    const int number = static_cast<int>(rows.size() + 1);
    if (record.fields.size() > header.size()) {
      return makeError(ErrorCode::kInvalidArgument,
                       rowText(number, record.line) + ": " + std::to_string(record.fields.size()) +
                           " cells but the header has " + std::to_string(header.size()) +
                           " columns (a comma inside a value needs the value in double quotes)");
    }
    std::vector<std::pair<std::string, std::string>> cells;
    std::vector<std::string> refs;
    for (size_t c = 0; c < record.fields.size(); ++c) {
      cells.emplace_back(header[c], record.fields[c]);
      if (header[c] == "ref") refs = splitRefs(record.fields[c]);
    }
    auto row = makeRow(number, record.line, cells, refs, defaults, base_dir, batch_id);
    if (!row) return row.error();
    rows.push_back(std::move(*row));
  }
  return rows;
}

// A JSON value as the CSV cell it stands for; false when it cannot be one.
bool cellText(const nlohmann::json& v, std::string* out) {
  if (v.is_null()) {
    out->clear();
  } else if (v.is_string()) {
    *out = v.get<std::string>();
  } else if (v.is_boolean()) {
    *out = v.get<bool>() ? "true" : "false";
  } else if (v.is_number_integer()) {
    *out = std::to_string(v.get<int64_t>());
  } else {
    return false;
  }
  return true;
}

Result<std::vector<BatchRow>> parseJson(const std::string& text, const GenerationParams& defaults,
                                        const std::string& base_dir, const std::string& batch_id) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return makeError(ErrorCode::kInvalidArgument, "the file is not valid JSON");
  const nlohmann::json* list = &doc;
  if (doc.is_object()) {
    const auto it = doc.find("requests");
    if (it == doc.end() || doc.size() != 1)
      return makeError(ErrorCode::kInvalidArgument,
                       "a JSON batch is an array of requests or {\"requests\": [...]}");
    list = &*it;
  }
  if (!list->is_array())
    return makeError(ErrorCode::kInvalidArgument,
                     "a JSON batch is an array of requests or {\"requests\": [...]}");
  std::vector<BatchRow> rows;
  int number = 0;
  for (const nlohmann::json& item : *list) {
    ++number;
    if (!item.is_object())
      return makeError(ErrorCode::kInvalidArgument, rowText(number, 0) + ": each request is a JSON object");
    std::vector<std::pair<std::string, std::string>> cells;
    std::vector<std::string> refs;
    for (auto it = item.begin(); it != item.end(); ++it) {
      const std::string column = lowered(it.key());
      if (!knownColumn(column)) {
        return makeError(ErrorCode::kInvalidArgument, rowText(number, 0) + ": unknown key \"" + it.key() +
                                                          "\"; the keys are " + columnList());
      }
      std::string value;
      if (column == "ref" && it.value().is_array()) {
        for (const nlohmann::json& ref : it.value()) {
          if (!ref.is_string())
            return rowError(number, 0, column, "each reference is a file or an asset id (text)");
          refs.push_back(ref.get<std::string>());
        }
        value = refs.empty() ? "" : refs.front();
      } else if (!cellText(it.value(), &value)) {
        return rowError(number, 0, column, "needs text, a whole number or true/false");
      } else if (column == "ref") {
        refs = splitRefs(value);
      }
      cells.emplace_back(column, value);
    }
    auto row = makeRow(number, 0, cells, refs, defaults, base_dir, batch_id);
    if (!row) return row.error();
    rows.push_back(std::move(*row));
  }
  return rows;
}

}  // namespace

std::string rowPlace(const BatchRow& row) {
  return rowText(row.number, row.line);
}

Result<std::vector<CsvRecord>> splitCsv(const std::string& input) {
  const std::string text = input.rfind("\xEF\xBB\xBF", 0) == 0 ? input.substr(3) : input;
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  bool quoted = false;      // inside a quoted field
  bool was_quoted = false;  // the current field was quoted and its quote closed
  bool any = false;         // the current record has content (blank lines are skipped)
  int line = 1;
  record.line = 1;
  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    was_quoted = false;
  };
  auto end_record = [&] {
    if (any) {
      end_field();
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    field.clear();
    was_quoted = false;
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
        was_quoted = true;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      end_record();
      ++line;
      record.line = line;
      continue;
    }
    if (!any) record.line = line;
    any = true;
    if (c == ',') {
      end_field();
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = true;
    } else if (was_quoted) {
      if (c == ' ' || c == '\t') continue;  // spaces after the closing quote
      return makeError(ErrorCode::kInvalidArgument, "line " + std::to_string(line) +
                                                        ": text after a closing quote; a quote inside a "
                                                        "quoted value is written twice (\"\")");
    } else {
      field.push_back(c);
    }
  }
  if (quoted) {
    return makeError(ErrorCode::kInvalidArgument, "line " + std::to_string(record.line) +
                                                      ": a quoted value is never closed (a missing \")");
  }
  end_record();
  return records;
}

Result<std::vector<BatchRow>> parseBatchText(const std::string& text, const GenerationParams& defaults,
                                             const std::string& base_dir, const std::string& batch_id) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  const bool json = first != std::string::npos && (text[first] == '[' || text[first] == '{');
  auto rows =
      json ? parseJson(text, defaults, base_dir, batch_id) : parseCsv(text, defaults, base_dir, batch_id);
  if (!rows) return rows;
  if (rows->empty()) return makeError(ErrorCode::kInvalidArgument, "the file holds no requests");
  std::map<std::string, int> names;  // two rows of one name would take each other's files
  for (const BatchRow& row : *rows) {
    if (row.params.name.empty()) continue;
    const auto [it, fresh] = names.emplace(row.params.name, row.number);
    if (!fresh) {
      return rowError(row.number, row.line, "name",
                      "\"" + row.params.name + "\" is also row " + std::to_string(it->second) +
                          "'s name; give each request its own");
    }
  }
  return rows;
}

Result<std::vector<BatchRow>> readBatchFile(const std::string& path, const GenerationParams& defaults) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return makeError(ErrorCode::kNotFound, "batch file " + path + " not found (or not a file)");
  auto text = readFile(path, kMaxBatchFileBytes);
  if (!text) return text.error();
  const fs::path canonical = fs::weakly_canonical(fs::absolute(path, ec), ec);
  // The journal matches rows by their parameters, so the command line's files become absolute
  // too: the same command from another folder must not look like new requests.
  GenerationParams absolute = defaults;
  const std::string cwd = fs::current_path(ec).string();
  for (ImageInput& ref : absolute.reference_images)
    ref = inputFrom(ref.isAsset() ? ref.asset_id : ref.local_path, cwd);
  if (absolute.mask)
    absolute.mask =
        inputFrom(absolute.mask->isAsset() ? absolute.mask->asset_id : absolute.mask->local_path, cwd);
  auto rows = parseBatchText(*text, absolute, canonical.parent_path().string(), canonical.string());
  if (!rows) return makeError(rows.error().code, path + ": " + rows.error().message);
  return rows;
}

}  // namespace texforge::cli
