#include "texforge/connection.h"

#include <chrono>
#include <future>

#include "texforge/api.h"
#include "transport.h"

namespace texforge {

Result<ConnectionCheck> checkConnection(const std::string& base_url, const Credentials& credentials,
                                        const std::string& model_id, const std::string& ca_file,
                                        double timeout_s) {
  std::string url = base_url.empty() ? kDefaultBaseUrl : base_url;
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  if (Status allowed = checkUrlPolicy(url); !allowed) return allowed.error();
  if (credentials.api_key.empty() || credentials.api_secret.empty()) {
    return makeError(ErrorCode::kCredentials, "no API key and secret to test: type both, or save them first");
  }
  TransportOptions options;
  options.base_url = url;
  options.credentials = credentials;
  options.ca_file = ca_file;
  options.connect_timeout_ms = static_cast<long>(timeout_s * 1000);
  options.low_speed_time_s = static_cast<long>(timeout_s) + 1;
  Transport transport(options);
  HttpRequest request;
  request.url = transport.apiUrl("/models/" + urlPathSegment(model_id));
  auto answer = std::make_shared<std::promise<HttpResponse>>();
  std::future<HttpResponse> answered = answer->get_future();
  const auto started = std::chrono::steady_clock::now();
  transport.send(std::move(request),
                 [answer](HttpResponse response) { answer->set_value(std::move(response)); });
  if (answered.wait_for(std::chrono::duration<double>(timeout_s)) != std::future_status::ready) {
    return makeError(ErrorCode::kNetwork,
                     url + " did not answer within " + std::to_string(static_cast<int>(timeout_s)) + " s");
  }
  const HttpResponse response = answered.get();
  Result<ModelSchema> schema = parseModelAnswer(response);
  if (!schema) {
    Error error = schema.error();
    error.message = url + ": " + redactSecrets(error.message, credentials);
    return error;
  }
  ConnectionCheck check;
  check.base_url = url;
  check.model_id = schema->id.empty() ? model_id : schema->id;
  check.inputs = schema->inputs.size();
  check.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return check;
}

}  // namespace texforge
