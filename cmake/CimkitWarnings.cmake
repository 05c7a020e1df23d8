# Warnings are errors for cimkit's own targets only; third-party headers come in as SYSTEM includes.
function(cimkit_target_defaults target)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    return()
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(CIMKIT_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    # GCC's manual (Instrumentation Options) warns that sanitizers raise the rate of false
    # -Wmaybe-uninitialized reports; GCC 12 gives them inside libstdc++'s std::regex at -O2.
    # The warning stays an error in the normal build, which is what guards our code.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
  endif()
endfunction()

# Every target of ours, library or executable, links the sanitizer runtime when asked.
if(CIMKIT_SANITIZE)
  add_link_options(-fsanitize=address,undefined)
endif()
