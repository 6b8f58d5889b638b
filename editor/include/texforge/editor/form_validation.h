// The core's parameter checks (texforge/params.h) worded for an artist and keyed by field, so each
// problem is shown next to the field it belongs to before anything is sent (or paid).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "texforge/editor/export.h"
#include "texforge/params.h"

namespace texforge::editor {

// Keys are paramFieldName(): "prompt", "numOutputs", "size", "quality", "background",
// "referenceImages", "mask", "model".
using FieldErrors = std::map<std::string, std::string>;

// One problem in an artist's words ("Width and height must be multiples of 16 (try 1008 x 1024).").
TEXFORGE_EDITOR_API std::string describeProblem(const ParamProblem& problem, const GenerationParams& params);

// The blocking problems of checkParams, first per field. schema may be null. Pure; any thread.
TEXFORGE_EDITOR_API FieldErrors validateForm(const GenerationParams& params, const ModelSchema* schema);

// Adds the blocking problems (e.g. of checkLocalInputs) to errors, keeping a field's first one.
TEXFORGE_EDITOR_API void addFieldErrors(const std::vector<ParamProblem>& problems,
                                        const GenerationParams& params, FieldErrors* errors);

// Warnings that do not block: the core's non-blocking problems (aspect beyond 3:1 comes back
// padded), and very large sizes, which take minutes and cost more.
TEXFORGE_EDITOR_API std::vector<std::string> formWarnings(const GenerationParams& params,
                                                          const ModelSchema* schema);

}  // namespace texforge::editor
