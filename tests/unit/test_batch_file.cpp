// `texforge batch` without a process or a network: CSV splitting (RFC 4180 quoting), CSV and JSON
// rows over the command line's defaults, refusals that name the row and the column, and the plan
// that matches rows to journaled jobs so that no row is paid twice.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "cli_batch.h"
#include "cli_batch_file.h"
#include "cli_spend.h"
#include "test_support.h"

namespace texforge::cli {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Result<std::vector<BatchRow>> parse(const std::string& text, GenerationParams defaults = {}) {
  return parseBatchText(text, defaults, "/proj/batches", "/proj/batches/rows.csv");
}

TEST(CsvSplit, QuotedFieldsHoldCommasQuotesAndNewlines) {
  auto records = splitCsv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n");
  ASSERT_TRUE(records.ok()) << records.error().message;
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].fields, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ((*records)[1].fields, (std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ((*records)[1].line, 2);
  EXPECT_EQ((*records)[2].fields, (std::vector<std::string>{"last", "", ""}));
  EXPECT_EQ((*records)[2].line, 5);  // the quoted newline and the blank line count
}

TEST(CsvSplit, ANoTrailingNewlineAndABomAreFine) {
  auto records = splitCsv("\xEF\xBB\xBFprompt\nx");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].fields.front(), "prompt");
  EXPECT_EQ((*records)[1].fields.front(), "x");
}

TEST(CsvSplit, BrokenQuotingIsRefusedWithItsLine) {
  auto open = splitCsv("prompt\n\"never closed\n");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(open.error().message, "line 2")) << open.error().message;
  auto after = splitCsv("prompt\n\"closed\"x\n");
  ASSERT_FALSE(after.ok());
  EXPECT_TRUE(contains(after.error().message, "line 2")) << after.error().message;
}

TEST(BatchCsv, RowsTakeTheirCellsOverTheDefaults) {
  GenerationParams defaults;
  defaults.quality = "high";
  defaults.num_outputs = 2;
  auto rows = parse(
      "prompt,name,outputs,size,ref,seamless,alpha,matte,usage,background\n"
      "\"a mossy wall, tileable\",mossy_wall,4,1024x1024,refs/a.png;asset_abc,yes,,,texture,\n"
      "a barrel,,,auto,,,matte,#00FF00,sprite,transparent\n",
      defaults);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  const BatchRow& wall = (*rows)[0];
  EXPECT_EQ(wall.number, 1);
  EXPECT_EQ(wall.params.prompt, "a mossy wall, tileable");
  EXPECT_EQ(wall.params.name, "mossy_wall");
  EXPECT_EQ(wall.params.num_outputs, 4);
  EXPECT_EQ(wall.params.width, 1024);
  EXPECT_EQ(wall.params.quality, "high");
  ASSERT_EQ(wall.params.reference_images.size(), 2u);
  EXPECT_EQ(wall.params.reference_images[0].local_path, "/proj/batches/refs/a.png");  // the file's folder
  EXPECT_EQ(wall.params.reference_images[1].asset_id, "asset_abc");
  EXPECT_TRUE(wall.params.seamless);
  EXPECT_EQ(wall.params.usage, "texture");
  EXPECT_EQ(wall.key, "mossy_wall");
  EXPECT_EQ(wall.label, "mossy_wall");
  EXPECT_EQ(wall.params.host_metadata.at(kBatchMetadataKey), "/proj/batches/rows.csv");
  EXPECT_EQ(wall.params.host_metadata.at(kBatchRowMetadataKey), "mossy_wall");
  const BatchRow& barrel = (*rows)[1];
  EXPECT_EQ(barrel.params.num_outputs, 2);  // the default
  EXPECT_EQ(barrel.params.width, 0);
  EXPECT_EQ(barrel.params.alpha_method, "matte");
  EXPECT_EQ(barrel.params.matte_color, "#00FF00");
  EXPECT_EQ(barrel.params.background, "transparent");
  EXPECT_EQ(barrel.key, "#2");
  EXPECT_EQ(barrel.label, "row 2");
}

TEST(BatchCsv, HeaderNamesAreTrimmedAndCaseBlind) {
  auto rows = parse(" Prompt , NAME\ncrate,crate_a\n");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ((*rows)[0].params.name, "crate_a");
}

TEST(BatchCsv, AnUnknownColumnIsNamed) {
  auto rows = parse("prompt,colour\ncrate,red\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(rows.error().message, "\"colour\"")) << rows.error().message;
  EXPECT_TRUE(contains(rows.error().message, "prompt, name")) << rows.error().message;  // what is allowed
  EXPECT_FALSE(parse("name\ncrate\n").ok());                                            // no prompt column
}

TEST(BatchCsv, BadRowsNameTheRowAndTheColumn) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"prompt,outputs\na,1\nb,many\n", "row 2 (line 3), column outputs"},
      {"prompt,size\na,1024\n", "row 1 (line 2), column size"},
      {"prompt,size\na,0x1024\n", "size auto"},
      {"prompt,seamless\na,maybe\n", "column seamless"},
      {"prompt,alpha\na,magic\n", "column alpha"},
      {"prompt,matte\na,green\n", "column matte"},
      {"prompt,name\n,x\n", "row 1 (line 2), column prompt"},
      {"prompt,name\na,same\nb,same\n", "row 2 (line 3), column name"},
      {"prompt\na,b\n", "row 1 (line 2): 2 cells"},
      {"prompt\n\"x\ny\"\nnext,extra\n", "row 2 (line 4): 2 cells"},
  };
  for (const Case& c : cases) {
    auto rows = parse(c.text);
    ASSERT_FALSE(rows.ok()) << c.text;
    EXPECT_EQ(rows.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(contains(rows.error().message, c.says)) << c.text << " -> " << rows.error().message;
  }
  EXPECT_FALSE(parse("prompt\n").ok());  // no requests at all
}

TEST(BatchCsv, BlankLinesAreNotRows) {
  auto rows = parse("prompt\na\n   \n,\nb\n");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].number, 2);
  EXPECT_EQ((*rows)[1].line, 5);
}

TEST(BatchJson, AnArrayOrARequestsObject) {
  const std::string list =
      R"([{"prompt": "a crate", "name": "crate", "outputs": 3, "ref": ["a.png", "asset_x"], "seamless": true},
          {"prompt": "a barrel", "size": "1536x1024", "mask": "/abs/mask.png", "usage": null}])";
  for (const std::string& text : {list, R"({"requests": )" + list + "}"}) {
    auto rows = parse(text);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].params.num_outputs, 3);
    ASSERT_EQ((*rows)[0].params.reference_images.size(), 2u);
    EXPECT_EQ((*rows)[0].params.reference_images[0].local_path, "/proj/batches/a.png");
    EXPECT_TRUE((*rows)[0].params.seamless);
    EXPECT_EQ((*rows)[1].params.width, 1536);
    ASSERT_TRUE((*rows)[1].params.mask.has_value());
    EXPECT_EQ((*rows)[1].params.mask->local_path, "/abs/mask.png");
    EXPECT_EQ((*rows)[1].line, 0);
  }
}

TEST(BatchJson, BadRequestsAreNamed) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {R"([{"prompt": "a", "colour": "red"}])", "row 1: unknown key \"colour\""},
      {R"([{"prompt": "a"}, {"prompt": "b", "outputs": 1.5}])", "row 2, column outputs"},
      {R"([{"prompt": "a", "ref": [1]}])", "row 1, column ref"},
      {R"([{"prompt": "a"}, "b"])", "row 2"},
      {R"([{"name": "x"}])", "row 1, column prompt"},
      {R"({"rows": []})", "{\"requests\""},
      {R"([{"prompt": "a",)", "not valid JSON"},
      {R"([])", "no requests"},
  };
  for (const Case& c : cases) {
    auto rows = parse(c.text);
    ASSERT_FALSE(rows.ok()) << c.text;
    EXPECT_EQ(rows.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(contains(rows.error().message, c.says)) << c.text << " -> " << rows.error().message;
  }
}

// A journaled job made for a row, in the given state.
JobSnapshot jobFor(const BatchRow& row, JobState state, const std::string& id) {
  JobSnapshot job;
  job.local_id = id;
  job.job_id = "job_" + id;
  job.state = state;
  job.params = row.params;
  if (state == JobState::kImported) {
    OutputSnapshot o;
    o.state = OutputState::kImported;
    o.imported_path = "assets/generated/x.png";
    job.outputs.push_back(o);
  }
  if (state == JobState::kFailed) job.error = makeError(ErrorCode::kJobFailed, "the job failed: rejected");
  return job;
}

TEST(BatchPlan, RowsWithAJobAreNeverSubmittedAgain) {
  auto rows = parse("prompt,name\na,one\nb,two\nc,three\nd,\n");
  ASSERT_TRUE(rows.ok());
  // Newest first, as Generator::jobs() lists them; an unrelated job of another batch is ignored.
  JobSnapshot other = jobFor((*rows)[0], JobState::kImported, "tf_other");
  other.params.host_metadata[kBatchMetadataKey] = "/elsewhere.csv";
  std::vector<JobSnapshot> jobs = {jobFor((*rows)[1], JobState::kRunning, "tf_2"), other,
                                   jobFor((*rows)[0], JobState::kImported, "tf_1"),
                                   jobFor((*rows)[2], JobState::kFailed, "tf_3")};
  auto plan = planBatch(*rows, jobs, false);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->size(), 4u);
  EXPECT_EQ((*plan)[0].action, RowAction::kDone);
  EXPECT_EQ((*plan)[0].job->local_id, "tf_1");
  EXPECT_EQ((*plan)[1].action, RowAction::kWait);
  EXPECT_EQ((*plan)[2].action, RowAction::kFailed);  // failed for good: reported, not paid again
  EXPECT_EQ((*plan)[3].action, RowAction::kSubmit);
  EXPECT_FALSE((*plan)[3].job.has_value());

  auto retry = planBatch(*rows, jobs, true);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ((*retry)[2].action, RowAction::kSubmit);  // --retry-failed
  EXPECT_EQ((*retry)[0].action, RowAction::kDone);    // never a row that succeeded

  // After the retry, the newer job decides.
  jobs.insert(jobs.begin(), jobFor((*rows)[2], JobState::kImported, "tf_3b"));
  auto after = planBatch(*rows, jobs, true);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)[2].action, RowAction::kDone);
  EXPECT_EQ((*after)[2].job->local_id, "tf_3b");
}

TEST(BatchPlan, AStoppedJobIsResumedAndAHeldOneReported) {
  auto rows = parse("prompt,name\na,one\nb,two\n");
  ASSERT_TRUE(rows.ok());
  JobSnapshot stopped = jobFor((*rows)[0], JobState::kStopped, "tf_1");
  JobSnapshot held = jobFor((*rows)[1], JobState::kRunning, "tf_2");
  held.held_by = "texforge-cli batch, pid 7 on ws-3, is working on it";
  auto plan = planBatch(*rows, {stopped, held}, false);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)[0].action, RowAction::kResume);
  EXPECT_EQ((*plan)[1].action, RowAction::kHeld);
}

TEST(BatchPlan, AnEditedRowIsRefusedRatherThanPaidAgain) {
  auto rows = parse("prompt,name\na,one\n");
  ASSERT_TRUE(rows.ok());
  JobSnapshot earlier = jobFor((*rows)[0], JobState::kImported, "tf_1");
  earlier.params.quality = "high";  // the row said high when it was sent
  auto plan = planBatch(*rows, {earlier}, false);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(plan.error().message, "row 1 (one)")) << plan.error().message;
  EXPECT_TRUE(contains(plan.error().message, "tf_1")) << plan.error().message;
  // A failed job's row may be edited and sent again, but only when asked.
  JobSnapshot failed = jobFor((*rows)[0], JobState::kFailed, "tf_1");
  failed.params.quality = "high";
  EXPECT_FALSE(planBatch(*rows, {failed}, false).ok());
  auto retry = planBatch(*rows, {failed}, true);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ((*retry)[0].action, RowAction::kSubmit);
}

TEST(BatchReport, ProgressLinesAndTheSummary) {
  auto rows = parse("prompt,name,outputs\na,mossy_wall,2\nb,,\n");
  ASSERT_TRUE(rows.ok());
  JobSnapshot done = jobFor((*rows)[0], JobState::kImported, "tf_1");
  done.outputs.clear();
  for (int i = 0; i < 2; ++i) {
    OutputSnapshot o;
    o.index = i;
    o.state = OutputState::kImported;
    o.imported_path = i == 0 ? "assets/generated/mossy_wall.png" : "assets/generated/mossy_wall-2.png";
    done.outputs.push_back(o);
  }
  done.cost = 12;
  JobSnapshot failed = jobFor((*rows)[1], JobState::kFailed, "tf_2");
  failed.cost = 6;
  EXPECT_EQ(rowFinishedLine(3, 12, (*rows)[0], done),
            "[3/12] mossy_wall: 2 images -> assets/generated/mossy_wall.png ...");
  const std::string line = rowFinishedLine(4, 12, (*rows)[1], failed);
  EXPECT_TRUE(contains(line, "[4/12] row 2: failed: tf_2: the job failed: rejected")) << line;
  EXPECT_TRUE(rowSucceeded(done));
  EXPECT_FALSE(rowSucceeded(failed));
  EXPECT_EQ(batchSummaryLine({done, failed, std::nullopt}),
            "batch: 1 done, 2 failed, 2 images, 18.00 creative units");
}

TEST(BatchReport, RequestsThatDifferOnlyInWordsShareAQuote) {
  auto rows = parse("prompt,name,size\na,one,1024x1024\nb,two,1024x1024\na,three,1536x1024\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(quoteKey((*rows)[0].params), quoteKey((*rows)[1].params));  // names and prompts: one price
  EXPECT_NE(quoteKey((*rows)[0].params), quoteKey((*rows)[2].params));  // the size changes it
}

TEST(BatchSpend, AboveTheThresholdItAsksOrRefusesWithoutYes) {
  EXPECT_EQ(spendVerdict(10, 25, false, false), SpendVerdict::kGo);
  EXPECT_EQ(spendVerdict(30, 25, false, true), SpendVerdict::kAsk);
  EXPECT_EQ(spendVerdict(30, 25, false, false), SpendVerdict::kRefuse);
  EXPECT_EQ(spendVerdict(30, 25, true, false), SpendVerdict::kGo);
  EXPECT_EQ(spendVerdict(30, 0, false, false), SpendVerdict::kGo);  // <= 0: never asks
  EXPECT_EQ(spendingThreshold("/nonexistent/project"), 25.0);
}

TEST(BatchSpend, TheThresholdIsTheViewersSettingAndOnlyYesSaysYes) {
  test::TempDir project;
  std::filesystem::create_directories(project.file(".texforge"));
  test::writeAll(project.file(".texforge/editor.json"), R"({"spending_threshold": 100.5})");
  EXPECT_EQ(spendingThreshold(project.path()), 100.5);
  for (const auto& [answer, go] : std::vector<std::pair<std::string, bool>>{{"y\n", true},
                                                                            {"YES\n", true},
                                                                            {"n\n", false},
                                                                            {"\n", false},
                                                                            {"", false},
                                                                            {"yes please\n", false}}) {
    std::string text = answer;
    std::FILE* in = fmemopen(text.data(), text.size(), "r");
    if (text.empty()) in = std::tmpfile();  // fmemopen refuses an empty buffer
    ASSERT_NE(in, nullptr);
    EXPECT_EQ(askToSpend(30, 25, 2, in), go) << answer;
    std::fclose(in);
  }
}

}  // namespace
}  // namespace texforge::cli
