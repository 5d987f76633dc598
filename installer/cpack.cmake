# Installing and packaging the desktop app (included from ui/CMakeLists.txt):
# `cpack -G DEB` or `cpack -G TGZ` in the build directory.
include(GNUInstallDirs)
install(TARGETS quanttune quanttune-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/installer/quanttune.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/quanttune.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)

set(CPACK_PACKAGE_NAME quanttune)
set(CPACK_PACKAGE_VENDOR "QuantTune")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Fine-tune quantized language models (GGUF) with zeroth-order methods")
set(CPACK_PACKAGE_CONTACT "QuantTune maintainers")
set(CPACK_GENERATOR "TGZ;DEB")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_STRIP_FILES ON)
include(CPack)
