# Finds texforge's dependencies and names each texforge_dep::<name> (an INTERFACE IMPORTED target).
# Used by the build (top-level CMakeLists.txt) and by the installed package (texforgeConfig.cmake),
# so both resolve the same names. Each library's own CMake config comes first (what vcpkg, Conan and
# upstream installs provide), pkg-config (Debian's .pc files) second. A target the host already made
# is used as it is: nothing found here is promoted to global scope, so a host that found CURL or
# ZLIB first keeps its own.
#
# Inputs: TEXFORGE_DEPS (list of: core emulator editor viewer), TEXFORGE_IMGUI_TARGET (optional: the
# host's ImGui target, used instead of finding one).
include_guard(DIRECTORY)

# _texforge_dep(name target...): texforge_dep::name links the given targets.
macro(_texforge_dep name)
  if(NOT TARGET texforge_dep::${name})
    add_library(texforge_dep::${name} INTERFACE IMPORTED)
    set_target_properties(texforge_dep::${name} PROPERTIES INTERFACE_LINK_LIBRARIES "${ARGN}")
  endif()
endmacro()

# _texforge_pkg(var module...): pkg-config fallback, an imported target PkgConfig::var.
macro(_texforge_pkg var)
  if(NOT TARGET PkgConfig::${var})
    find_package(PkgConfig QUIET)
    if(NOT PKG_CONFIG_FOUND)
      message(FATAL_ERROR "texforge: ${ARGN} not found by its CMake config, and pkg-config is missing. "
                          "Install the library (Debian: see scripts/common.sh; vcpkg: see vcpkg.json).")
    endif()
    pkg_check_modules(${var} REQUIRED IMPORTED_TARGET ${ARGN})
  endif()
endmacro()

if(NOT DEFINED TEXFORGE_DEPS)
  set(TEXFORGE_DEPS core)
endif()
if(NOT TARGET Threads::Threads)
  find_package(Threads REQUIRED)
endif()

if("core" IN_LIST TEXFORGE_DEPS)
  if(NOT TARGET CURL::libcurl)
    find_package(CURL CONFIG QUIET)
    if(NOT CURL_FOUND)
      find_package(CURL REQUIRED)
    endif()
  endif()
  _texforge_dep(curl CURL::libcurl)

  if(NOT TARGET nlohmann_json::nlohmann_json)
    find_package(nlohmann_json 3.9 REQUIRED)
  endif()
  _texforge_dep(json nlohmann_json::nlohmann_json)

  if(TARGET unofficial::sqlite3::sqlite3)
    _texforge_dep(sqlite unofficial::sqlite3::sqlite3)
  else()
    if(NOT TARGET SQLite::SQLite3)
      find_package(unofficial-sqlite3 CONFIG QUIET)
    endif()
    if(TARGET unofficial::sqlite3::sqlite3)
      _texforge_dep(sqlite unofficial::sqlite3::sqlite3)
    else()
      if(NOT TARGET SQLite::SQLite3)
        find_package(SQLite3 REQUIRED)
      endif()
      _texforge_dep(sqlite SQLite::SQLite3)
    endif()
  endif()

  if(NOT TARGET ZLIB::ZLIB)
    find_package(ZLIB REQUIRED)
  endif()
  _texforge_dep(zlib ZLIB::ZLIB)

  # JPEG is decoded with libjpeg-turbo: stb_image's JPEG path failed under fuzzing (image_decode.cpp).
  if(NOT TARGET libjpeg-turbo::turbojpeg AND NOT TARGET libjpeg-turbo::turbojpeg-static)
    find_package(libjpeg-turbo CONFIG QUIET)
  endif()
  if(TARGET libjpeg-turbo::turbojpeg)
    _texforge_dep(turbojpeg libjpeg-turbo::turbojpeg)
  elseif(TARGET libjpeg-turbo::turbojpeg-static)
    _texforge_dep(turbojpeg libjpeg-turbo::turbojpeg-static)
  else()
    _texforge_pkg(TF_TURBOJPEG libturbojpeg)
    _texforge_dep(turbojpeg PkgConfig::TF_TURBOJPEG)
  endif()
endif()

if("core" IN_LIST TEXFORGE_DEPS OR "emulator" IN_LIST TEXFORGE_DEPS)
  if(NOT TARGET WebP::webp)
    find_package(WebP CONFIG QUIET)
  endif()
  if(TARGET WebP::webp)
    _texforge_dep(webp WebP::webp)
  else()
    _texforge_pkg(TF_WEBP libwebp)
    _texforge_dep(webp PkgConfig::TF_WEBP)
  endif()

  # stb is header-only for texforge: its implementation is compiled in texforge's own sources
  # (plugin/src/stb_image_impl.c, emulator/src/emulator_images.cpp), never a prebuilt libstb.
  if(NOT TARGET texforge_dep::stb)
    find_path(TEXFORGE_STB_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb)
    if(NOT TEXFORGE_STB_INCLUDE_DIR)
      message(FATAL_ERROR "texforge: stb_image.h not found. Debian: apt-get install libstb-dev; "
                          "vcpkg: the stb port; or set TEXFORGE_STB_INCLUDE_DIR.")
    endif()
    add_library(texforge_dep::stb INTERFACE IMPORTED)
    set_target_properties(texforge_dep::stb PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${TEXFORGE_STB_INCLUDE_DIR}")
  endif()
endif()

if("emulator" IN_LIST TEXFORGE_DEPS)
  if(NOT TARGET httplib::httplib)
    find_package(httplib CONFIG QUIET)
  endif()
  if(TARGET httplib::httplib)
    _texforge_dep(httplib httplib::httplib Threads::Threads)
  else()
    _texforge_pkg(TF_HTTPLIB cpp-httplib)
    _texforge_dep(httplib PkgConfig::TF_HTTPLIB Threads::Threads)
  endif()
endif()

if("editor" IN_LIST TEXFORGE_DEPS AND NOT TARGET texforge_dep::imgui)
  if(TEXFORGE_IMGUI_TARGET)
    # The host's own Dear ImGui (1.86 or later): the editor links it and nothing else.
    if(NOT TARGET ${TEXFORGE_IMGUI_TARGET})
      message(FATAL_ERROR "texforge: TEXFORGE_IMGUI_TARGET names '${TEXFORGE_IMGUI_TARGET}', which is not a target.")
    endif()
    _texforge_dep(imgui ${TEXFORGE_IMGUI_TARGET})
  else()
    if(NOT TARGET imgui::imgui)
      find_package(imgui CONFIG QUIET)
    endif()
    if(TARGET imgui::imgui)
      _texforge_dep(imgui imgui::imgui)
    else()
      # Debian's libimgui-dev: libimgui.a already holds the GLFW, OpenGL 3 and Vulkan backends.
      _texforge_pkg(TF_IMGUI imgui)
      _texforge_dep(imgui PkgConfig::TF_IMGUI)
    endif()
  endif()
endif()
if("editor" IN_LIST TEXFORGE_DEPS AND NOT TARGET texforge_dep::imgui_headers)
  # ImGui's headers and configuration without its code: a shared texforge_editor compiles against
  # these and leaves the ImGui symbols to the host, so one process holds one ImGui (one context).
  get_target_property(_tf_imgui_links texforge_dep::imgui INTERFACE_LINK_LIBRARIES)
  list(GET _tf_imgui_links 0 _tf_imgui)
  add_library(texforge_dep::imgui_headers INTERFACE IMPORTED)
  set_target_properties(texforge_dep::imgui_headers PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "$<TARGET_PROPERTY:${_tf_imgui},INTERFACE_INCLUDE_DIRECTORIES>"
    INTERFACE_COMPILE_DEFINITIONS "$<TARGET_PROPERTY:${_tf_imgui},INTERFACE_COMPILE_DEFINITIONS>")
endif()

if("viewer" IN_LIST TEXFORGE_DEPS)
  if(NOT TARGET glfw)
    find_package(glfw3 3.3 REQUIRED)
  endif()
  if(NOT TARGET OpenGL::GL)
    find_package(OpenGL REQUIRED)
  endif()
  _texforge_dep(glfw glfw OpenGL::GL ${CMAKE_DL_LIBS})
endif()
