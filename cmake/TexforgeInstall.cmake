# Installs the libraries, their headers and the CMake package, and exports the same targets for use
# from this build tree:
#   find_package(texforge CONFIG REQUIRED COMPONENTS core gl editor)   # emulator, c where built
#   target_link_libraries(game PRIVATE texforge::core texforge::editor)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(TEXFORGE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/texforge)

set(_texforge_installed texforge_core)
set(_texforge_components core)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/plugin/include/texforge DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${TEXFORGE_GENERATED_INCLUDE_DIR}/texforge/export.h ${TEXFORGE_GENERATED_INCLUDE_DIR}/texforge/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/texforge)
if(TARGET texforge_gl)
  list(APPEND _texforge_installed texforge_gl)
  list(APPEND _texforge_components gl)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/plugin/gl/include/texforge DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(FILES ${TEXFORGE_GENERATED_INCLUDE_DIR}/texforge/gl/export.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/texforge/gl)
endif()
if(TARGET texforge_editor)
  list(APPEND _texforge_installed texforge_editor)
  list(APPEND _texforge_components editor)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/editor/include/texforge DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(FILES ${TEXFORGE_GENERATED_INCLUDE_DIR}/texforge/editor/export.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/texforge/editor)
endif()
if(TARGET texforge_emulator)
  # The local stand-in for the service, so an engine's own tests can run offline too.
  list(APPEND _texforge_installed texforge_emulator)
  list(APPEND _texforge_components emulator)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/emulator/include/texforge DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(TARGETS texforge-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(TARGET texforge_c)
  # One shared library with a C ABI only, for C#, Python, Lua and GDExtension hosts.
  list(APPEND _texforge_installed texforge_c)
  list(APPEND _texforge_components c)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/plugin/c/include/texforge DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(FILES ${TEXFORGE_GENERATED_INCLUDE_DIR}/texforge/c_export.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/texforge)
endif()
if(TARGET texforge)
  install(TARGETS texforge RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})  # the CLI
endif()

install(TARGETS ${_texforge_installed} EXPORT texforgeTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT texforgeTargets NAMESPACE texforge:: DESTINATION ${TEXFORGE_INSTALL_CMAKEDIR})
export(EXPORT texforgeTargets NAMESPACE texforge:: FILE ${PROJECT_BINARY_DIR}/texforgeTargets.cmake)

get_target_property(_texforge_core_type texforge_core TYPE)
set(TEXFORGE_CORE_STATIC OFF)
if(_texforge_core_type STREQUAL "STATIC_LIBRARY")
  set(TEXFORGE_CORE_STATIC ON)  # its users link its dependencies too
endif()
set(TEXFORGE_COMPONENTS ${_texforge_components})

# The installed config finds the dependencies next to it; the build tree's reads them from here.
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/texforgeConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake-install/texforgeConfig.cmake INSTALL_DESTINATION ${TEXFORGE_INSTALL_CMAKEDIR})
set(_texforge_deps_file ${PROJECT_SOURCE_DIR}/third_party/texforgeDependencies.cmake)
configure_file(${PROJECT_SOURCE_DIR}/cmake/texforgeConfig.cmake.in ${PROJECT_BINARY_DIR}/texforgeConfig.cmake @ONLY)
# 0.x: a new minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/texforgeConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake-install/texforgeConfig.cmake ${PROJECT_BINARY_DIR}/texforgeConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/third_party/texforgeDependencies.cmake
        DESTINATION ${TEXFORGE_INSTALL_CMAKEDIR})
