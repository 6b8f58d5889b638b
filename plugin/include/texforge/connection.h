// "Test connection": proves, without paying, that an endpoint answers as Scenario does and accepts
// a pair of credentials, by reading the model's schema with them. For a Settings page, where the
// endpoint and the credentials may not be applied yet.
#pragma once

#include <string>

#include "texforge/credentials.h"
#include "texforge/error.h"
#include "texforge/export.h"
#include "texforge/params.h"

namespace texforge {

struct TEXFORGE_CORE_API ConnectionCheck {
  std::string base_url;  // the endpoint that answered
  std::string model_id;  // the model it described
  size_t inputs = 0;     // how many inputs its schema has
  double seconds = 0;    // how long the answer took
};

// Blocks up to timeout_s: call it off the UI thread. Fails as the API's errors do: kCredentials
// (401: the key or the secret), kForbidden (403: the plan or the project), kNotFound (no such model
// there), kNetwork (nothing answered), kProtocol (something answered, not as Scenario does) or
// kInsecure (an endpoint texforge refuses, such as plain http to another host).
TEXFORGE_CORE_API Result<ConnectionCheck> checkConnection(const std::string& base_url,
                                                          const Credentials& credentials,
                                                          const std::string& model_id = kDefaultModelId,
                                                          const std::string& ca_file = "",
                                                          double timeout_s = 20);

}  // namespace texforge
