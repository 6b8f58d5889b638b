// Frame serials, shared by the renderer (which advances them) and the texture uploader (which uses
// them to know when a copy has landed and when a destroyed texture is no longer read by the GPU).
#pragma once

#include <cstdint>

namespace texforge::custom_engine {

inline constexpr int kFramesInFlight = 2;  // frames the CPU may record while the GPU still runs older ones

struct FrameClock {
  uint64_t recording = 1;  // the serial of the frame being built now (its commands not yet submitted)
  uint64_t completed = 0;  // every frame with a serial up to this one has finished on the GPU
};

}  // namespace texforge::custom_engine
