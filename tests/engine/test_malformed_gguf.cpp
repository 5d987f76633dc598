// Hostile GGUF files: scripts/make_malformed_gguf.py writes one file per defect
// plus a few valid ones. Every defect must be refused, by the library with a
// ModelFileError and by `quanttune-cli info` with exit status 1 and exactly one
// line naming the file and the defect; every valid file must load.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;

struct Defect {
    const char* file;                 // without ".gguf"
    std::vector<const char*> words;   // each must appear in the error
};

// What each error must say. Words name the defect, not merely "error".
const std::vector<Defect> kDefects = {
    {"empty_file", {"file is empty"}},
    {"bad_magic", {"bad magic", "\\x7FELF"}},
    {"big_endian", {"big-endian"}},
    {"unsupported_version_1", {"unsupported GGUF version 1"}},
    {"unsupported_version_4", {"unsupported GGUF version 4"}},
    {"absurd_tensor_count", {"tensor count 4611686018427387904 is impossible"}},
    {"absurd_kv_count", {"metadata count 18446744073709551615 is impossible"}},
    {"truncated_in_magic", {"file ends inside the magic number"}},
    {"truncated_in_version", {"file ends inside version"}},
    {"truncated_in_tensor_count", {"file ends inside tensor count"}},
    {"truncated_in_kv_count", {"file ends inside metadata count"}},
    {"truncated_in_key_length", {"file ends inside metadata key"}},
    {"truncated_in_key", {"metadata key of length 12 runs past the end"}},
    {"truncated_in_value_type", {"general.name", "file ends inside value type"}},
    {"truncated_in_scalar_value", {"test.u64", "file ends inside u64 value"}},
    {"truncated_in_string_value", {"tokenizer.chat_template", "string value of length 55 runs past the end"}},
    {"truncated_in_string_array", {"tokenizer.ggml.tokens", "string array element of length", "runs past the end"}},
    {"truncated_in_string_array_length", {"tokenizer.ggml.tokens", "file ends inside string array element"}},
    {"truncated_in_nested_array", {"test.nested", "file ends inside array length"}},
    {"truncated_in_tensor_name", {"tensor info 1", "tensor name of length 18 runs past the end"}},
    {"truncated_in_tensor_dims", {"blk.0.attn_q.weight", "file ends inside dimension"}},
    {"truncated_in_tensor_type", {"blk.0.attn_q.weight", "file ends inside tensor type"}},
    {"truncated_in_tensor_offset", {"blk.0.attn_k.weight", "file ends inside tensor data offset"}},
    {"truncated_before_data", {"file ends before the data section"}},
    {"truncated_in_data", {"output_norm.weight", "runs past the end of the file"}},
    {"tensor_data_past_end", {"blk.0.attn_k.weight", "runs past the end of the file"}},
    {"absurd_array_length", {"array length 1152921504606846976 is impossible"}},
    {"absurd_string_length", {"general.name", "string value length 9223372036854775808 exceeds the limit"}},
    {"string_length_past_end", {"general.name", "string value of length 1048576 runs past the end"}},
    {"absurd_string_array_element_length", {"string array element length 18446744073709551614 exceeds the limit"}},
    {"absurd_key_length", {"metadata key length 1099511627776 exceeds the limit"}},
    {"key_too_long", {"metadata key length 70000 exceeds the limit of 65535"}},
    {"unknown_value_type", {"test.u8", "unknown value type 13"}},
    {"unknown_array_element_type", {"test.bool_array", "unknown array element type 99"}},
    {"invalid_bool", {"test.bool", "bool value 2 is neither 0 nor 1"}},
    {"invalid_bool_in_array", {"test.bool_array", "bool value 7 is neither 0 nor 1"}},
    {"nested_arrays_too_deep", {"test.deep", "nested deeper than 8"}},
    {"duplicate_key", {"duplicate metadata key \"general.architecture\""}},
    {"empty_key", {"metadata key \"\" is empty"}},
    {"key_invalid_utf8", {"\\xFF\\xFE", "not valid UTF-8"}},
    {"key_overlong_utf8", {"\\xC0\\xAF", "not valid UTF-8"}},
    {"key_with_newline", {"general.na\\x0Ame", "control character"}},
    {"alignment_zero", {"general.alignment 0 is not a power of two"}},
    {"alignment_not_power_of_two", {"general.alignment 48 is not a power of two"}},
    {"alignment_negative", {"general.alignment -32 is negative"}},
    {"alignment_not_integer", {"general.alignment is string, expected an integer"}},
    {"duplicate_tensor_name", {"duplicate tensor name \"output_norm.weight\""}},
    {"empty_tensor_name", {"tensor name \"\" is empty"}},
    {"tensor_name_invalid_utf8", {"\\xED\\xA0\\x80", "not valid UTF-8"}},
    {"tensor_name_too_long", {"tensor name length 72 exceeds the limit of 64"}},
    {"zero_dimension_count", {"dimension count 0 outside [1, 4]"}},
    {"too_many_dimensions", {"dimension count 5 outside [1, 4]"}},
    {"zero_dimension", {"blk.0.attn_q.weight", "dimension 1 has invalid size 0"}},
    {"dimension_above_int64", {"dimension 0 has invalid size 9223372036854775872"}},
    {"dimensions_overflow", {"dimensions overflow"}},
    {"tensor_bytes_overflow", {"tensor byte size overflows"}},
    {"unknown_tensor_type", {"unknown tensor type 99"}},
    {"removed_tensor_type_q4_2", {"unknown tensor type 4"}},
    {"dims_not_multiple_of_block", {"first dimension 48 is not a multiple of Q4_0's block size 32"}},
    {"misaligned_offset", {"data offset 16 is not a multiple of the alignment 32"}},
    {"offset_past_end", {"blk.0.attn_k.weight", "data offset 1099511627776) runs past the end"}},
    {"tensor_data_overlapping_end", {"blk.0.attn_k.weight", "data offset 3424) runs past the end"}},
    {"overlapping_tensors", {"\"blk.0.attn_norm.weight\" (data offset 0) overlaps tensor \"token_embd.weight\""}},
};

struct ValidFile {
    const char* file;
    bool is_model;  // all LLaMA tensors present, so `quanttune-cli info` can load it as a model
};
const std::vector<ValidFile> kValidFiles = {
    {"valid", true},
    {"valid_version2", true},
    {"valid_alignment_64", true},
    {"valid_string_value_not_utf8", true},
    {"valid_no_tensors", false},  // a well-formed GGUF, but no model: only the reader must accept it
};

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

class MalformedGguf : public ::testing::Test {
protected:
    // Generates the files once for all tests in this suite.
    static void SetUpTestSuite() {
        if (qt::test::oracle_python().empty()) return;
        dir_ = qt::test::make_temp_dir("malformed-gguf");
        const std::string cmd = shell_quote(qt::test::oracle_python()) + " " +
                                shell_quote(qt::test::source_dir() + "/scripts/make_malformed_gguf.py") + " " +
                                shell_quote(dir_);
        generator_status_ = qt::test::run_command(cmd, generator_output_);
    }
    static void TearDownTestSuite() {
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    void SetUp() override {
        if (qt::test::oracle_python().empty()) {
            if (qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh";
            GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";
        }
        ASSERT_EQ(generator_status_, 0) << generator_output_;
    }

    static std::string path_of(const char* name) { return dir_ + "/" + name + ".gguf"; }

    static inline std::string dir_;
    static inline int generator_status_ = -1;
    static inline std::string generator_output_;
};

TEST_F(MalformedGguf, GeneratorWritesExactlyTheFilesTheTableExpects) {
    std::set<std::string> expected;
    for (const auto& d : kDefects) expected.insert(std::string(d.file) + ".gguf");
    for (const auto& v : kValidFiles) expected.insert(std::string(v.file) + ".gguf");
    EXPECT_EQ(expected.size(), kDefects.size() + kValidFiles.size()) << "a name appears twice in the tables";
    std::set<std::string> written;
    for (const auto& e : fs::directory_iterator(dir_)) written.insert(e.path().filename().string());
    EXPECT_EQ(written, expected);
    EXPECT_GE(kDefects.size(), 30u);
}

TEST_F(MalformedGguf, CliRefusesEachDefectWithOneLineNamingFileAndDefect) {
    for (const auto& d : kDefects) {
        SCOPED_TRACE(d.file);
        const std::string path = path_of(d.file);
        std::string out;
        const int status = qt::test::run_command(shell_quote(QT_CLI_PATH) + " info " + shell_quote(path), out);
        EXPECT_EQ(status, 1) << out;  // not 0, not a signal (128 + n), not a sanitizer's exit code
        EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
        ASSERT_FALSE(out.empty());
        EXPECT_EQ(out.back(), '\n') << out;
        EXPECT_EQ(out.rfind("error: ", 0), 0u) << out;
        EXPECT_NE(out.find(path), std::string::npos) << out;
        for (const char* w : d.words) EXPECT_NE(out.find(w), std::string::npos) << "missing \"" << w << "\" in " << out;
    }
}

TEST_F(MalformedGguf, OpenThrowsModelFileErrorNamingFileAndDefect) {
    for (const auto& d : kDefects) {
        SCOPED_TRACE(d.file);
        const std::string path = path_of(d.file);
        try {
            auto f = qt::GgufFile::open(path);
            ADD_FAILURE() << "opened without error";
        } catch (const qt::ModelFileError& e) {
            const std::string what = e.what();
            EXPECT_EQ(what.rfind(path + ": ", 0), 0u) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
            for (const char* w : d.words)
                EXPECT_NE(what.find(w), std::string::npos) << "missing \"" << w << "\" in " << what;
        } catch (const std::exception& e) {
            ADD_FAILURE() << "threw something other than ModelFileError: " << e.what();
        }
    }
}

using qt::test::read_bytes;

// from_memory() parses an exact-size heap copy, where AddressSanitizer sees any
// read past the end that a page-rounded mapping would hide.
TEST_F(MalformedGguf, FromMemoryRefusesEachDefectWithTheSameMessageAsOpen) {
    for (const auto& d : kDefects) {
        SCOPED_TRACE(d.file);
        const std::string path = path_of(d.file);
        std::string from_file, from_memory;
        try {
            qt::GgufFile::open(path);
        } catch (const qt::ModelFileError& e) {
            from_file = e.what();
        }
        try {
            qt::GgufFile::from_memory("memory", read_bytes(path));
            ADD_FAILURE() << "parsed without error";
        } catch (const qt::ModelFileError& e) {
            from_memory = e.what();
        }
        ASSERT_EQ(from_file.rfind(path, 0), 0u) << from_file;
        ASSERT_EQ(from_memory.rfind("memory", 0), 0u) << from_memory;
        EXPECT_EQ(from_file.substr(path.size()), from_memory.substr(6));
    }
}

TEST_F(MalformedGguf, CliAndLibraryAcceptEachValidFile) {
    for (const auto& v : kValidFiles) {
        SCOPED_TRACE(v.file);
        const std::string path = path_of(v.file);
        EXPECT_NO_THROW(qt::GgufFile::open(path));
        EXPECT_NO_THROW(qt::GgufFile::from_memory(v.file, read_bytes(path)));
        if (!v.is_model) continue;
        std::string out;
        EXPECT_EQ(qt::test::run_command(shell_quote(QT_CLI_PATH) + " info " + shell_quote(path), out), 0) << out;
    }
}

TEST_F(MalformedGguf, ValidFileReadsBackEveryValueTypeAndTensor) {
    auto f = qt::GgufFile::open(path_of("valid"));
    EXPECT_EQ(f->version(), 3u);
    EXPECT_EQ(f->get_string("general.architecture"), "llama");
    EXPECT_EQ(f->get_int("test.u8"), 200);
    EXPECT_EQ(f->get_int("test.i8"), -100);
    EXPECT_EQ(f->get_int("test.u16"), 60000);
    EXPECT_EQ(f->get_int("test.i16"), -30000);
    EXPECT_EQ(f->get_int("test.i32"), -2000000000);
    EXPECT_EQ(f->get_int("test.u64"), int64_t{1} << 40);
    EXPECT_EQ(f->get_int("test.i64"), -(int64_t{1} << 40));
    EXPECT_EQ(f->get_float("test.f64"), 3.25);
    EXPECT_FLOAT_EQ(static_cast<float>(f->get_float("llama.attention.layer_norm_rms_epsilon")), 1e-5f);
    EXPECT_TRUE(f->get_bool("test.bool", false));
    EXPECT_EQ(f->get_array("test.bool_array").ints, (std::vector<int64_t>{1, 0, 1}));
    const auto& tokens = f->get_array("tokenizer.ggml.tokens").strings;
    ASSERT_EQ(tokens.size(), 8u);
    EXPECT_EQ(tokens[7], "\xC3\xA9t\xC3\xA9");
    const auto& nested = f->get_array("test.nested");
    ASSERT_EQ(nested.nested.size(), 3u);
    EXPECT_EQ(nested.nested[0].ints, (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(nested.nested[1].ints, (std::vector<int64_t>{4, 5}));
    EXPECT_EQ(nested.nested[2].array_size(), 0u);
    const auto& nested3 = f->get_array("test.nested3");
    ASSERT_EQ(nested3.nested.size(), 2u);
    ASSERT_EQ(nested3.nested[0].nested.size(), 1u);
    EXPECT_EQ(nested3.nested[0].nested[0].ints, (std::vector<int64_t>{7, 8}));

    ASSERT_EQ(f->tensors().size(), 5u);
    const auto& q = f->tensor("blk.0.attn_q.weight");
    EXPECT_EQ(q.type, qt::GgmlType::Q4_0);
    EXPECT_EQ(q.dims, (std::vector<int64_t>{64, 64}));
    EXPECT_EQ(q.nbytes, 64u * 2u * 18u);
    const auto& norm = f->tensor("output_norm.weight");
    ASSERT_EQ(norm.nbytes, 64u * 4u);
    float first = 0;
    std::memcpy(&first, norm.data, sizeof first);
    EXPECT_EQ(first, 1.0f);
    for (const auto& t : f->tensors()) {
        EXPECT_EQ(t.offset % f->alignment(), 0u) << t.name;
        EXPECT_LE(f->data_offset() + t.offset + t.nbytes, f->file_size()) << t.name;
    }
}

TEST_F(MalformedGguf, ValidFileWithAlignment64PlacesTheDataSectionOn64) {
    auto f = qt::GgufFile::open(path_of("valid_alignment_64"));
    EXPECT_EQ(f->alignment(), 64u);
    EXPECT_EQ(f->data_offset() % 64, 0u);
    float first = 0;
    std::memcpy(&first, f->tensor("output_norm.weight").data, sizeof first);
    EXPECT_EQ(first, 1.0f);
}

TEST_F(MalformedGguf, StringValuesMayHoldBytesThatAreNotUtf8) {
    auto f = qt::GgufFile::open(path_of("valid_string_value_not_utf8"));
    EXPECT_EQ(f->get_string("test.raw_bytes"), "\xFF\xFE bytes");
}

TEST(GgufOpen, MissingFileThrowsNamingThePath) {
    const std::string path = qt::test::make_temp_dir("gguf-missing") + "/absent.gguf";
    try {
        qt::GgufFile::open(path);
        ADD_FAILURE() << "opened a missing file";
    } catch (const qt::ModelFileError& e) {
        EXPECT_NE(std::string(e.what()).find(path + ": cannot open"), std::string::npos) << e.what();
    }
    fs::remove_all(fs::path(path).parent_path());
}

TEST(GgufOpen, DirectoryThrowsNotARegularFile) {
    const std::string dir = qt::test::make_temp_dir("gguf-dir");
    EXPECT_THROW(qt::GgufFile::open(dir), qt::ModelFileError);
    fs::remove_all(dir);
}

}  // namespace
