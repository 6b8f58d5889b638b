// Panel tests on a headless ImGui context: validation next to the fields, the quote on the Generate
// button, the spending confirmation, the job limit, results feeding the form, imports (answered inside
// pump()). Most run on the scripted Generator, which moves jobs on command; the last two go end to end
// through the emulator and the real HTTP stack.
#include <filesystem>
#include <optional>

#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>  // the confirmation's window, to see that it is drawn

#include "editor_test_support.h"
#include "emulated_engine.h"
#include "scripted_generator.h"
#include "texforge/asset_importer.h"

namespace texforge::test {
namespace {

ModelInput numberInput(const std::string& name, double min, double max, double step) {
  ModelInput input;
  input.name = name;
  input.type = "number";
  input.min = min;
  input.max = max;
  input.step = step;
  return input;
}

// --- The scripted Generator keeps the real one's contract ---------------------------------------

TEST(ScriptedGenerator, AnswersAndEventsArriveOnlyInsidePump) {
  int wakes = 0;
  ScriptedGeneratorOptions options;
  options.wake = [&] { ++wakes; };
  ScriptedGenerator gen(options);
  gen.setQuote(Quote{3.0, 0.0});
  GenerationParams p;
  p.prompt = "a lantern";
  auto id = gen.submit(p);
  ASSERT_TRUE(id.ok());
  std::optional<Result<Quote>> quote;
  gen.quote(p, [&](Result<Quote> q) { quote = std::move(q); });
  EXPECT_FALSE(quote.has_value());  // posted, not delivered
  EXPECT_EQ(wakes, 2);
  EXPECT_FALSE(gen.idle());
  EXPECT_TRUE(gen.waitForActivity(0.0));

  std::vector<GeneratorEvent> events = gen.pump();
  ASSERT_TRUE(quote.has_value());
  ASSERT_TRUE(quote->ok());
  EXPECT_EQ((*quote)->creative_units, 3.0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].local_id, *id);
  EXPECT_FALSE(gen.idle());  // the job is still submitting

  gen.setProgress(*id, 0.5);
  EXPECT_EQ(gen.job(*id)->progress, 0.5);
  gen.failJob(*id, makeError(ErrorCode::kJobFailed, "refused"));
  EXPECT_EQ(gen.pump().size(), 2u);
  EXPECT_TRUE(gen.idle());
  EXPECT_EQ(gen.job(*id)->error->code, ErrorCode::kJobFailed);
  EXPECT_GT(gen.job(*id)->finished_at_ms, 0);

  GenerationParams blank;  // refused as the real engine refuses it: nothing recorded
  auto refused = gen.submit(blank);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  gen.quote(blank, [&](Result<Quote> q) { quote = std::move(q); });
  gen.pump();
  ASSERT_FALSE(quote->ok());
  EXPECT_EQ(quote->error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(gen.submitted().size(), 1u);
  EXPECT_EQ(gen.quoted().size(), 1u);
}

// --- Panel on the scripted Generator --------------------------------------------------------------

struct ScriptedPanel : ::testing::Test {
  void SetUp() override { restart(nullptr); }
  void TearDown() override { harness.reset(); }

  // A new Generator (importer null: the recording one) and a new panel on it.
  void restart(std::shared_ptr<AssetImporter> importer) {
    harness.reset();
    ScriptedGeneratorOptions options;
    options.project_dir = project.path();
    options.importer = std::move(importer);
    generator = std::make_unique<ScriptedGenerator>(options);
    harness = std::make_unique<PanelHarness>(*generator, project.path());
    panel = harness->panel.get();
  }

  // Presses Generate on the form as it is; the new job's id ("" after a failure).
  std::string pressGenerate() {
    EXPECT_TRUE(harness->frameUntilPriced());
    EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
    const auto ids = panel->sessionJobIds();
    return ids.empty() ? "" : ids.front();
  }

  bool frameUntil(const std::function<bool()>& done) { return harness->frameUntil(done); }

  TempDir project;
  std::unique_ptr<ScriptedGenerator> generator;
  std::unique_ptr<PanelHarness> harness;
  editor::Panel* panel = nullptr;
};

TEST_F(ScriptedPanel, TheSubmittedLineGoesWhenItsJobEnds) {
  GenerationParams p;
  p.prompt = "a lantern";
  panel->loadParams(p);
  const std::string id = pressGenerate();
  ASSERT_FALSE(id.empty());
  EXPECT_NE(panel->statusMessage().find("on the way"), std::string::npos) << panel->statusMessage();
  generator->setState(id, JobState::kRunning);
  harness->frame();
  EXPECT_NE(panel->statusMessage().find("on the way"), std::string::npos) << "still on its way while running";
  generator->setState(id, JobState::kReady);
  ASSERT_TRUE(frameUntil([&] { return panel->statusMessage().empty(); })) << panel->statusMessage();
}

TEST_F(ScriptedPanel, AFailedImageSaysWhyAndItsJobIsNotAllGreen) {
  GenerationParams p;
  p.prompt = "a lantern";
  p.num_outputs = 2;
  panel->loadParams(p);
  const std::string id = pressGenerate();
  ASSERT_FALSE(id.empty());
  generator->setState(id, JobState::kRunning);
  ASSERT_EQ(generator->addReadyOutput(id, solidImage(64, 64, 90)), 0);
  ASSERT_EQ(generator->addFailedOutput(id, makeError(ErrorCode::kNetwork, "the download broke off")), 1);
  ASSERT_TRUE(frameUntil([&] { return generator->job(id)->state == JobState::kReady; }));
  const JobSnapshot job = *generator->job(id);
  EXPECT_EQ(editor::describeOutputs(job), "1 / 2 images, 1 failed");
  const std::string why = editor::describeOutputProblem(job.outputs[1]);
  EXPECT_NE(why.find("Cannot reach Scenario"), std::string::npos) << why;
  EXPECT_EQ(editor::describeOutputProblem(job.outputs[0]), "");
  // Selecting it draws its preview (with that reason) without trouble.
  panel->selectOutput(id, 1);
  harness->frame();
  // It cannot become a reference: the form is left as it was, and the status says why.
  const size_t references = panel->params().reference_images.size();
  panel->useAsReference(id, 1);
  EXPECT_EQ(panel->params().reference_images.size(), references);
  EXPECT_NE(panel->statusMessage().find("cannot be a reference"), std::string::npos)
      << panel->statusMessage();
  panel->useAsReference(id, 0);  // the good one can
  EXPECT_EQ(panel->params().reference_images.size(), references + 1);
}

TEST(PanelText, AFailedGenerationReadsAsOneSentenceWhateverTheServiceEndsItWith) {
  for (const char* reason : {"Try again.", "Try again", "Try again. "}) {
    Error error = makeError(ErrorCode::kJobFailed, reason);
    const std::string text = editor::describeError(error);
    EXPECT_EQ(text.find(".."), std::string::npos) << text;
    EXPECT_NE(text.find("Try again. Try rewording"), std::string::npos) << text;
  }
}

TEST_F(ScriptedPanel, EmptyPromptIsExplainedNextToTheFieldAndNothingIsSent) {
  panel->params().prompt = "   ";
  harness->frame();
  ASSERT_EQ(panel->fieldErrors().count("prompt"), 1u);
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kInvalid);
  harness->frame();
  EXPECT_TRUE(panel->sessionJobIds().empty());
  EXPECT_TRUE(generator->submitted().empty());
  EXPECT_TRUE(generator->quoted().empty());  // an invalid form is not priced either
}

TEST_F(ScriptedPanel, TheModelsOwnLimitsApplyPerFieldOnceItsSchemaArrives) {
  ModelSchema schema;
  schema.id = kDefaultModelId;
  schema.inputs = {numberInput("numOutputs", 1, 4, 1), numberInput("width", 64, 2048, 64),
                   numberInput("height", 64, 2048, 64)};
  generator->setSchema(schema);

  panel->params().prompt = "a crate";
  panel->params().width = 1000;
  panel->params().height = 1024;
  panel->params().num_outputs = 5;
  EXPECT_EQ(panel->fieldErrors().count("numOutputs"), 0u);  // GPT Image 2's own rules allow 5
  ASSERT_TRUE(frameUntil([&] { return panel->schema() != nullptr; }));
  auto errors = panel->fieldErrors();
  EXPECT_EQ(errors.count("numOutputs"), 1u);
  EXPECT_NE(errors["size"].find("multiples of 64"), std::string::npos) << errors["size"];
  EXPECT_EQ(errors.count("prompt"), 0u);
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kInvalid);
  EXPECT_TRUE(generator->submitted().empty());
}

TEST_F(ScriptedPanel, QuoteAppearsOnTheGenerateButtonAndFollowsTheForm) {
  generator->setQuote(Quote{2.5, 0.0});
  panel->params().prompt = "mossy stone wall";
  ASSERT_TRUE(frameUntil([&] { return panel->currentQuote().has_value(); }));
  EXPECT_EQ(panel->currentQuote()->creative_units, 2.5);
  EXPECT_NE(panel->generateButtonLabel().find("2.50 CU"), std::string::npos) << panel->generateButtonLabel();
  ASSERT_EQ(generator->quoted().size(), 1u);
  EXPECT_EQ(generator->quoted()[0].prompt, "mossy stone wall");
  EXPECT_TRUE(generator->submitted().empty());  // a quote is a dry run

  generator->setQuote(Quote{7.5, 0.0});
  panel->params().num_outputs = 3;  // the old quote no longer applies
  EXPECT_FALSE(panel->currentQuote().has_value());
  ASSERT_TRUE(frameUntil([&] { return panel->currentQuote().has_value(); }));
  EXPECT_EQ(panel->currentQuote()->creative_units, 7.5);
  ASSERT_EQ(generator->quoted().size(), 2u);
  EXPECT_EQ(generator->quoted()[1].num_outputs, 3);
}

TEST_F(ScriptedPanel, SpendingAboveTheThresholdAsksFirst) {
  generator->setQuote(Quote{30.0, 0.0});
  panel->settings().spending_threshold = 25.0;
  panel->params().prompt = "expensive castle";
  ASSERT_TRUE(frameUntil([&] { return panel->currentQuote().has_value(); }));
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kNeedsConfirmation);
  EXPECT_TRUE(panel->confirmationPending());
  EXPECT_NE(panel->confirmationMessage().find("costs 30.00 CU"), std::string::npos)
      << panel->confirmationMessage();
  EXPECT_NE(panel->confirmationMessage().find("threshold is 25.00 CU"), std::string::npos);
  harness->frame();  // the modal is drawn
  panel->confirmGenerate(false);
  harness->frame();
  EXPECT_TRUE(panel->sessionJobIds().empty());
  EXPECT_TRUE(generator->submitted().empty());

  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kNeedsConfirmation);
  EXPECT_EQ(panel->confirmGenerate(true), editor::GenerateOutcome::kSubmitted);
  EXPECT_EQ(panel->sessionJobIds().size(), 1u);
  ASSERT_EQ(generator->submitted().size(), 1u);
  EXPECT_EQ(generator->submitted()[0].prompt, "expensive castle");
}

// An unknown price asks whatever the threshold, even one that never asks: nothing says it is below.
TEST_F(ScriptedPanel, AnUnknownPriceAlwaysAsksFirst) {
  const Error failures[] = {makeError(ErrorCode::kServer, "503 Service Unavailable"),
                            makeError(ErrorCode::kNetwork, "connection refused"),
                            makeError(ErrorCode::kInvalidArgument, "the engine was opened offline")};
  for (const Error& failure : failures) {
    for (const double threshold : {0.0, 25.0, 1e9}) {
      SCOPED_TRACE(failure.message + ", threshold " + std::to_string(threshold));
      restart(nullptr);
      generator->setQuote(failure);
      panel->settings().spending_threshold = threshold;
      panel->params().prompt = "a price nobody knows";
      ASSERT_TRUE(harness->frameUntilPriced());
      ASSERT_FALSE(panel->currentQuote().has_value());
      EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kNeedsConfirmation);
      EXPECT_TRUE(panel->confirmationPending());
      const std::string said = panel->confirmationMessage();
      EXPECT_NE(said.find("price of this generation is unknown"), std::string::npos) << said;
      EXPECT_NE(said.find(panel->quoteError()), std::string::npos) << said;  // and why
      harness->frame();
      ImGuiWindow* modal = ImGui::FindWindowByName("Confirm spending");
      EXPECT_TRUE(modal && modal->Active) << "the confirmation is not drawn";
      EXPECT_TRUE(generator->submitted().empty());  // asking charges nothing

      EXPECT_EQ(panel->confirmGenerate(true), editor::GenerateOutcome::kSubmitted);
      EXPECT_FALSE(panel->confirmationPending());
      EXPECT_EQ(generator->submitted().size(), 1u);
    }
  }
}

TEST_F(ScriptedPanel, APriceNotYetArrivedAsksAndAKnownLowOneDoesNot) {
  generator->setQuote(Quote{1.0, 0.0});
  panel->settings().spending_threshold = 25.0;
  panel->params().prompt = "pressed before the price came";
  harness->frame();  // the quote is asked; its answer waits for the next pump
  ASSERT_FALSE(panel->currentQuote().has_value());
  ASSERT_TRUE(panel->quoteError().empty());
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kNeedsConfirmation);
  const std::string said = panel->confirmationMessage();
  EXPECT_NE(said.find("unknown"), std::string::npos) << said;
  EXPECT_NE(said.find("not arrived yet"), std::string::npos) << said;
  EXPECT_EQ(panel->confirmGenerate(false), editor::GenerateOutcome::kFailed);
  EXPECT_TRUE(generator->submitted().empty());

  ASSERT_TRUE(harness->frameUntilPriced());
  ASSERT_TRUE(panel->currentQuote().has_value());
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted);  // 1 CU, under the threshold
  EXPECT_FALSE(panel->confirmationPending());
  EXPECT_EQ(generator->submitted().size(), 1u);
}

TEST_F(ScriptedPanel, GenerateWaitsWhileTheJobLimitIsReached) {
  panel->settings().max_jobs_in_flight = 1;
  panel->params().prompt = "one at a time";
  const std::string first = pressGenerate();
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kBusy);
  EXPECT_EQ(generator->submitted().size(), 1u);

  generator->failJob(first, makeError(ErrorCode::kJobFailed, "refused"));
  harness->frame();  // the panel reads the job list once per frame
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted);
  EXPECT_EQ(generator->submitted().size(), 2u);
}

TEST_F(ScriptedPanel, ImportFailuresAreExplainedAndNothingStaysPending) {
  panel->params().prompt = "cracked tile";
  const std::string id = pressGenerate();
  ASSERT_FALSE(id.empty());

  // No such output (yet): refused at once, nothing queued.
  Status missing = panel->importOutput(id, 0);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(panel->importsPending(), 0u);

  ASSERT_EQ(generator->addReadyOutput(id, solidImage(256, 256, 90)), 0);
  ASSERT_EQ(generator->job(id)->state, JobState::kReady);
  generator->recorder()->failWith(makeError(ErrorCode::kIo, "disk full"));
  ASSERT_TRUE(panel->importOutput(id, 0).ok());
  EXPECT_TRUE(panel->importPending(id, 0));
  ASSERT_TRUE(frameUntil([&] { return panel->importsPending() == 0; }));
  EXPECT_NE(panel->statusMessage().find("Could not save the image into assets/generated"), std::string::npos)
      << panel->statusMessage();
  EXPECT_EQ(generator->job(id)->outputs[0].state, OutputState::kReady);  // still importable later

  generator->recorder()->failWith(std::nullopt);
  ASSERT_TRUE(panel->importOutput(id, 0).ok());
  ASSERT_TRUE(frameUntil([&] { return panel->importsPending() == 0; }));
  EXPECT_EQ(generator->job(id)->outputs[0].state, OutputState::kImported);
  EXPECT_EQ(generator->job(id)->state, JobState::kImported);
  const auto requests = generator->recorder()->requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().local_id, id);
  EXPECT_EQ(requests.back().output_index, 0);
  EXPECT_EQ(requests.back().width, 256);
  EXPECT_EQ(requests.back().params.prompt, "cracked tile");
  EXPECT_EQ(panel->statusMessage(), "Imported " + generator->job(id)->outputs[0].imported_path);
}

TEST_F(ScriptedPanel, ResultActionsFeedTheFormAndHistorySearchFindsByPrompt) {
  panel->params().prompt = "Rusty Lantern icon";
  panel->params().quality = "low";
  const std::string id = pressGenerate();
  ASSERT_FALSE(id.empty());
  generator->addReadyOutput(id, solidImage(64, 64, 30));
  harness->frame();  // the panel acts on the snapshot it drew

  panel->useAsReference(id, 0);
  ASSERT_EQ(panel->params().reference_images.size(), 1u);
  const std::string cached = generator->job(id)->outputs[0].cache_path;
  ASSERT_FALSE(cached.empty());
  EXPECT_EQ(panel->params().reference_images[0].local_path, cached);

  panel->params().prompt = "something else";
  panel->params().quality = "high";
  panel->rerun(id);
  EXPECT_EQ(panel->params().prompt, "Rusty Lantern icon");
  EXPECT_EQ(panel->params().quality, "low");

  panel->selectTab(editor::PanelTab::kHistory);
  panel->setHistoryFilter("lantern");
  harness->frame();
  harness->frame();
  ASSERT_EQ(panel->historyMatches().size(), 1u);
  EXPECT_EQ(panel->historyMatches().front(), id);
  panel->setHistoryFilter("dragon");
  EXPECT_TRUE(panel->historyMatches().empty());
}

TEST_F(ScriptedPanel, SidecarOfAnImportedResultRebuildsTheForm) {
  restart(makeFolderImporter());  // the real files, from the cached PNG
  panel->params().prompt = "blue crystal";
  panel->params().background = "opaque";
  const std::string id = pressGenerate();
  ASSERT_FALSE(id.empty());
  generator->addReadyOutput(id, solidImage(32, 32, 200));
  ASSERT_TRUE(panel->importOutput(id, 0).ok());
  ASSERT_TRUE(frameUntil([&] { return panel->importsPending() == 0; }));
  auto job = generator->job(id);
  ASSERT_EQ(job->outputs[0].state, OutputState::kImported) << panel->statusMessage();
  EXPECT_EQ(job->outputs[0].imported_path.rfind("assets/generated/", 0), 0u) << job->outputs[0].imported_path;
  auto params = readSidecarParams(project.path() + "/" + job->outputs[0].imported_path + ".texforge.json");
  ASSERT_TRUE(params.ok());
  panel->params() = GenerationParams{};
  panel->loadParams(*params);
  EXPECT_EQ(panel->params().prompt, "blue crystal");
  EXPECT_EQ(panel->params().background, "opaque");
}

// --- End to end: the panel, the real engine and HTTP stack, the emulator ---------------------------

EmulatedEngineOptions panelEngine(const std::string& api_secret = "") {
  EmulatedEngineOptions options;
  options.emulator.job_duration_ms = 150;
  options.generator.max_attempts = 2;
  if (!api_secret.empty()) options.generator.credentials = {options.emulator.api_key, api_secret};
  return options;
}

TEST(EmulatedPanel, GenerateListsTheJobAndImportAllWritesFilesWithSidecars) {
  EmulatedEngine engine(panelEngine());
  ASSERT_TRUE(engine.start()) << engine.error;
  PanelHarness harness(*engine.generator, engine.project.path());
  editor::Panel& panel = *harness.panel;
  panel.params().prompt = "wooden barrel sprite";
  panel.params().num_outputs = 2;
  panel.params().width = 1024;
  panel.params().height = 640;
  ASSERT_TRUE(harness.frameUntilPriced());
  ASSERT_EQ(panel.pressGenerate(), editor::GenerateOutcome::kSubmitted);
  ASSERT_EQ(panel.sessionJobIds().size(), 1u);
  const std::string id = panel.sessionJobIds().front();

  ASSERT_TRUE(harness.frameUntil([&] {
    auto job = engine.generator->job(id);
    return job && job->state == JobState::kReady && job->readyCount() == 2;
  }));
  // The gallery uploads both results within a few frames.
  ASSERT_TRUE(
      harness.frameUntil([&] { return !panel.textures().busy() && harness.uploader->liveCount() >= 2; }));

  // Import all queues both and returns; answers arrive only inside pump(), so both are pending now.
  EXPECT_EQ(panel.importAll(), 2);
  EXPECT_TRUE(panel.importPending(id, 0));
  EXPECT_TRUE(panel.importPending(id, 1));
  EXPECT_EQ(panel.importsPending(), 2u);
  EXPECT_NE(panel.statusMessage().find("Importing"), std::string::npos) << panel.statusMessage();
  EXPECT_EQ(panel.importAll(), 0);  // what is queued is not queued again
  ASSERT_TRUE(harness.frameUntil([&] { return panel.importsPending() == 0; }));
  EXPECT_NE(panel.statusMessage().find("Imported 2 images"), std::string::npos) << panel.statusMessage();

  auto job = engine.generator->job(id);
  ASSERT_TRUE(job);
  for (const auto& out : job->outputs) {
    ASSERT_EQ(out.state, OutputState::kImported);
    const std::string path = engine.project.file(out.imported_path);
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_TRUE(std::filesystem::exists(path + ".texforge.json"));
    EXPECT_EQ(out.imported_path.rfind("assets/generated/", 0), 0u) << out.imported_path;
  }
  EXPECT_EQ(panel.importAll(), 0);  // nothing imported twice
  EXPECT_EQ(panel.statusMessage(), "Nothing new to import.");
  EXPECT_TRUE(panel.importOutput(id, 0).ok());  // an imported output is not queued again either
  EXPECT_EQ(panel.importsPending(), 0u);
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(engine.project.file("assets/generated"))) {
    files += entry.path().extension() == ".png" ? 1 : 0;
  }
  EXPECT_EQ(files, 2u);
  EXPECT_EQ(engine.server->stats().generate_posts, 1);
}

TEST(EmulatedPanel, RejectedCredentialsAreExplainedInArtistWords) {
  EmulatedEngine engine(panelEngine("wrong-secret"));
  ASSERT_TRUE(engine.start()) << engine.error;
  PanelHarness harness(*engine.generator, engine.project.path());
  editor::Panel& panel = *harness.panel;
  panel.params().prompt = "anything";
  ASSERT_TRUE(harness.frameUntil([&] { return !panel.quoteError().empty(); }));
  EXPECT_NE(panel.quoteError().find("API key"), std::string::npos) << panel.quoteError();
  EXPECT_NE(panel.quoteError().find("Settings"), std::string::npos);
  EXPECT_FALSE(panel.currentQuote().has_value());
  EXPECT_GT(engine.server->stats().unauthorized, 0);
}

}  // namespace
}  // namespace texforge::test
