# texforge_library_abi(target MACRO name HEADER path): the ABI rules every texforge library follows.
# - An export header (GenerateExportHeader) at <build>/include/<path> defining MACRO; a static build
#   defines <MACRO>_STATIC for itself and its users, so the macro expands to nothing there.
# - Hidden visibility by default: only what a public header marks with MACRO is exported, and no
#   third-party symbol (nlohmann, stb, ImGui, httplib) leaks out of a shared texforge library.
# - VERSION and SOVERSION on shared builds (libtexforge.so.0 for 0.x).
include(GenerateExportHeader)
include(GNUInstallDirs)
set(TEXFORGE_GENERATED_INCLUDE_DIR ${PROJECT_BINARY_DIR}/include)

function(texforge_library_abi target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "MACRO;HEADER" "")
  generate_export_header(${target}
    EXPORT_MACRO_NAME ${arg_MACRO}
    EXPORT_FILE_NAME ${TEXFORGE_GENERATED_INCLUDE_DIR}/${arg_HEADER}
    STATIC_DEFINE ${arg_MACRO}_STATIC
    NO_DEPRECATED_MACRO_NAME ${arg_MACRO}_NO_DEPRECATED
    DEPRECATED_MACRO_NAME ${arg_MACRO}_DEPRECATED)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${TEXFORGE_GENERATED_INCLUDE_DIR}>)
  get_target_property(_type ${target} TYPE)
  if(_type STREQUAL "STATIC_LIBRARY")
    target_compile_definitions(${target} PUBLIC ${arg_MACRO}_STATIC)
  endif()
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR})
  target_compile_features(${target} PUBLIC cxx_std_17)
  # The project's warnings, for this library's own sources only (an exported library must not
  # link the build-only texforge_warnings target).
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra>)
endfunction()
