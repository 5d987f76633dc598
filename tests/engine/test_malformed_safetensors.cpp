// Hostile .safetensors files and Hugging Face folders, built byte by byte here:
// every defect must be refused with one ModelFileError line that starts with
// the file at fault (the shard or the index) and names the defect.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "safetensors/safetensors_file.h"
#include "safetensors/safetensors_folder.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;

std::string u64_le(uint64_t v) {
    std::string s(8, '\0');
    for (int k = 0; k < 8; ++k) s[k] = static_cast<char>(v >> (8 * k));
    return s;
}

// A file: the header's length, the header, then the data section.
std::string file_bytes(const std::string& header, const std::string& data = "") {
    return u64_le(header.size()) + header + data;
}

// One tensor's entry.
std::string entry(const std::string& name, const std::string& dtype, const std::string& shape, uint64_t begin,
                  uint64_t end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" +
           std::to_string(begin) + "," + std::to_string(end) + "]}";
}

const std::string kQ = "model.layers.0.self_attn.q_proj.weight";

struct Defect {
    const char* name;
    std::string bytes;
    std::vector<std::string> words;  // each must appear in the error
};

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

const std::vector<Defect>& defects() {
    static const std::vector<Defect> d = {
        {"empty_file", "", {"header: file is empty"}},
        {"truncated_header_length", std::string("\x10\0\0\0\0", 5), {"file is 5 bytes, too short"}},
        {"zero_header_length", u64_le(0) + "{}", {"header length is 0"}},
        {"huge_header_length", u64_le(1ull << 40) + "{}", {"header length 1099511627776 exceeds the limit"}},
        {"header_just_over_limit", u64_le((100ull << 20) + 1) + "{}", {"exceeds the limit of 104857600"}},
        {"header_beyond_eof", u64_le(64) + "{\"a\":1}", {"header length 64 runs past the end of the file"}},
        {"header_length_max", u64_le(~0ull), {"header length 18446744073709551615 exceeds the limit"}},
        {"bad_json", file_bytes("{\"" + kQ + "\":{\"dtype\":"), {"header: not valid JSON", "unexpected end of input"}},
        {"json_array", file_bytes("[1,2,3]"), {"header: the header is an array, expected a JSON object"}},
        {"json_string", file_bytes("\"text\""), {"the header is a string, expected a JSON object"}},
        {"leading_space", file_bytes(" {}"), {"does not start with '{'"}},
        {"not_utf8_name", file_bytes("{\"w\xff\":{}}"), {"not valid JSON", "UTF-8"}},
        {"nul_padding", file_bytes(std::string("{}\0\0", 4)), {"not valid JSON: NUL byte at offset 2"}},
        // nlohmann stops at a NUL: without the check, the bytes after it would hide in the header.
        {"nul_then_hidden_json", file_bytes(std::string("{}\0{\"x\":1}", 10)), {"NUL byte at offset 2"}},
        {"too_deep", file_bytes("{\"a\":" + nested(40) + "}"), {"nests deeper than 16 levels"}},
        {"entry_not_object", file_bytes("{\"" + kQ + "\":[1,2]}"), {"tensor \"" + kQ + "\": entry is an array"}},
        {"missing_dtype", file_bytes("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "abcd"),
         {"tensor \"w\"", "entry has no \"dtype\""}},
        {"missing_shape", file_bytes("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "abcd"),
         {"entry has no \"shape\""}},
        {"missing_offsets", file_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", "abcd"),
         {"entry has no \"data_offsets\""}},
        {"extra_key", file_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"offset\":0}}", "abcd"),
         {"unexpected key \"offset\""}},
        {"dtype_not_string", file_bytes("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", "abcd"),
         {"dtype is an integer, expected a string"}},
        {"unknown_dtype", file_bytes("{" + entry(kQ, "F7", "[1]", 0, 4) + "}", "abcd"),
         {"tensor \"" + kQ + "\": unknown dtype \"F7\""}},
        {"lowercase_dtype", file_bytes("{" + entry("w", "f32", "[1]", 0, 4) + "}", "abcd"), {"unknown dtype \"f32\""}},
        {"shape_not_array", file_bytes("{" + entry("w", "F32", "\"1\"", 0, 4) + "}", "abcd"),
         {"shape is a string, expected an array"}},
        {"negative_dim", file_bytes("{" + entry("w", "F32", "[2,-2]", 0, 16) + "}", std::string(16, 'x')),
         {"shape dimension 1 is negative (-2)"}},
        {"string_dim", file_bytes("{" + entry("w", "F32", "[\"4\"]", 0, 16) + "}", std::string(16, 'x')),
         {"shape dimension 0 is a string, expected an integer"}},
        // Found by fuzz_safetensors: nlohmann throws out_of_range, not parse_error, for this.
        {"number_overflow", file_bytes("{" + entry("w", "F32", "[4,1e587904]", 0, 16) + "}", std::string(16, 'x')),
         {"not valid JSON", "number overflow parsing '1e587904'"}},
        {"float_dim", file_bytes("{" + entry("w", "F32", "[4.0]", 0, 16) + "}", std::string(16, 'x')),
         {"shape dimension 0 is a floating-point number"}},
        {"dim_above_int64", file_bytes("{" + entry("w", "U8", "[9223372036854775808]", 0, 0) + "}"),
         {"shape dimension 0 9223372036854775808 exceeds 2^63 - 1"}},
        {"overflowing_shape", file_bytes("{" + entry("w", "F32", "[4294967296,4294967296]", 0, 0) + "}"),
         {"shape [4294967296, 4294967296] overflows"}},
        {"overflowing_bytes", file_bytes("{" + entry("w", "F64", "[4611686018427387904]", 0, 0) + "}"),
         {"needs 4611686018427387904 x 8"}},
        {"size_mismatch", file_bytes("{" + entry(kQ, "F32", "[3]", 0, 8) + "}", std::string(8, 'x')),
         {"tensor \"" + kQ + "\"", "hold 8 bytes, but shape [3] of F32 needs 3 x 4"}},
        {"offsets_not_array", file_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":4}}", "abcd"),
         {"data_offsets is an integer, expected an array of 2 integers"}},
        {"three_offsets", file_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", "abcd"),
         {"data_offsets is an array of 3"}},
        {"negative_offset", file_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", "abcd"),
         {"data_offsets begin is negative (-4)"}},
        {"float_offset", file_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.5]}}", "abcd"),
         {"data_offsets end is a floating-point number"}},
        {"begin_after_end", file_bytes("{" + entry("w", "F32", "[1]", 8, 4) + "}", std::string(8, 'x')),
         {"data_offsets [8, 4]: begin is after end"}},
        {"end_beyond_file", file_bytes("{" + entry("w", "F32", "[4]", 0, 16) + "}", std::string(8, 'x')),
         {"data_offsets [0, 16] end past the data section, which holds 8 bytes"}},
        {"offsets_near_u64_max",
         file_bytes("{" + entry("w", "U8", "[0]", ~0ull, ~0ull) + "}", std::string(8, 'x')),
         {"end past the data section"}},
        {"overlapping_tensors",
         file_bytes("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}",
                    std::string(12, 'x')),
         {"tensor \"b\": data_offsets [4, 12] overlap tensor \"a\" at [0, 8]"}},
        {"same_bytes_twice",
         file_bytes("{" + entry("a", "F16", "[2]", 0, 4) + "," + entry("b", "I32", "[1]", 0, 4) + "}", "abcd"),
         {"overlap tensor \"a\""}},
        {"hole_in_data",
         file_bytes("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
                    std::string(12, 'x')),
         {"data section: bytes 4 to 8 belong to no tensor", "before tensor \"b\""}},
        {"trailing_bytes", file_bytes("{" + entry("a", "F32", "[1]", 0, 4) + "}", "abcdEXTRA"),
         {"data section: bytes 4 to 9 at the end belong to no tensor"}},
        {"data_without_tensors", file_bytes("{}", "abcd"), {"bytes 0 to 4 at the end belong to no tensor"}},
        {"duplicate_name",
         file_bytes("{" + entry(kQ, "F32", "[1]", 0, 4) + "," + entry(kQ, "F32", "[1]", 4, 8) + "}",
                    std::string(8, 'x')),
         {"header: duplicate key \"" + kQ + "\""}},
        {"duplicate_field", file_bytes("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", "abcd"),
         {"duplicate key \"dtype\" in \"w\""}},
        {"metadata_not_object", file_bytes("{\"__metadata__\":[\"format\",\"pt\"]}"),
         {"__metadata__: is an array, expected an object of strings"}},
        {"metadata_value_not_string", file_bytes("{\"__metadata__\":{\"format\":\"pt\",\"step\":10}}"),
         {"__metadata__: value of \"step\" is an integer, expected a string"}},
        {"name_with_newline", file_bytes("{" + entry("a\\nb", "F32", "[1]", 0, 4) + "}", "ab"),
         {"tensor \"a\\x0Ab\""}},
    };
    return d;
}

void expect_refused(const std::string& path, const std::string& what, const std::vector<std::string>& words) {
    EXPECT_EQ(what.rfind(path + ": ", 0), 0u) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    for (const std::string& w : words) EXPECT_NE(what.find(w), std::string::npos) << "missing \"" << w << "\" in " << what;
}

TEST(MalformedSafetensors, OpenThrowsModelFileErrorNamingFileAndDefect) {
    ASSERT_GE(defects().size(), 40u);
    qt::test::TempDir dir("malformed-safetensors");
    for (const Defect& d : defects()) {
        SCOPED_TRACE(d.name);
        const std::string path = dir.path + "/" + d.name + ".safetensors";
        std::ofstream(path, std::ios::binary) << d.bytes;
        try {
            qt::SafetensorsFile::open(path);
            ADD_FAILURE() << "opened without error";
        } catch (const qt::ModelFileError& e) {
            expect_refused(path, e.what(), d.words);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "threw something other than ModelFileError: " << e.what();
        }
    }
}

// from_memory() parses an exact-size heap copy, where AddressSanitizer sees any
// read past the end that a page-rounded mapping would hide.
TEST(MalformedSafetensors, FromMemoryRefusesEachDefectTheSameWay) {
    for (const Defect& d : defects()) {
        SCOPED_TRACE(d.name);
        try {
            qt::SafetensorsFile::from_memory(d.name, std::vector<uint8_t>(d.bytes.begin(), d.bytes.end()));
            ADD_FAILURE() << "parsed without error";
        } catch (const qt::ModelFileError& e) {
            expect_refused(d.name, e.what(), d.words);
        }
    }
}

TEST(MalformedSafetensors, AcceptsTheEdgesTheFormatAllows) {
    // No tensors at all; a scalar; an empty tensor between others; padding spaces; unaligned data.
    const std::vector<std::string> valid = {
        file_bytes("{}"),
        file_bytes("{\"__metadata__\":{}}   "),
        file_bytes("{" + entry("s", "F32", "[]", 0, 4) + "}", "abcd"),
        file_bytes("{" + entry("a", "U8", "[3]", 0, 3) + "," + entry("e", "F32", "[0,7]", 3, 3) + "," +
                       entry("b", "BF16", "[1]", 3, 5) + "}",
                   "abcde"),
        file_bytes("{" + entry("huge_but_empty", "F32", "[0,9223372036854775807,9223372036854775807]", 0, 0) + "}"),
    };
    for (const std::string& bytes : valid) {
        SCOPED_TRACE(bytes.substr(8));
        EXPECT_NO_THROW(qt::SafetensorsFile::from_memory("valid", std::vector<uint8_t>(bytes.begin(), bytes.end())));
    }
}

// Folders: a shard or an index written into a fresh folder per case.
class MalformedSafetensorsFolder : public ::testing::Test {
protected:
    qt::test::TempDir dir_{"malformed-safetensors-folder"};

    std::string put(const std::string& name, const std::string& bytes) {
        const std::string path = dir_.path + "/" + name;
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    std::string put_index(const std::string& json) { return put("model.safetensors.index.json", json); }
    // A valid shard holding tensors `names`, each one F32.
    std::string put_shard(const std::string& name, const std::vector<std::string>& names) {
        std::string header = "{", data;
        for (size_t k = 0; k < names.size(); ++k) {
            header += (k ? "," : "") + entry(names[k], "F32", "[1]", 4 * k, 4 * k + 4);
            data += std::string("\0\0\x80?", 4);  // 1.0f
        }
        return put(name, file_bytes(header + "}", data));
    }
    // Opens the folder; expects a refusal that starts with `path` and holds `words`.
    void expect_refused_by(const std::string& path, const std::vector<std::string>& words) {
        try {
            qt::SafetensorsFolder::open(dir_.path);
            ADD_FAILURE() << "opened without error";
        } catch (const qt::ModelFileError& e) {
            expect_refused(path, e.what(), words);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "threw something other than ModelFileError: " << e.what();
        }
    }
};

TEST_F(MalformedSafetensorsFolder, RefusesAFolderWithoutWeights) {
    expect_refused_by(dir_.path, {"folder has neither model.safetensors nor model.safetensors.index.json"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAnIndexThatIsNotJson) {
    expect_refused_by(put_index("{\"weight_map\": {\"a\": \"x.safetensors\",}"), {"index: not valid JSON"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAnEmptyIndexFile) {
    expect_refused_by(put_index(""), {"index: not valid JSON"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAnIndexThatIsNotAnObject) {
    expect_refused_by(put_index("[\"model-00001.safetensors\"]"), {"index: is an array, expected a JSON object"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAnIndexWithoutWeightMap) {
    expect_refused_by(put_index("{\"metadata\": {\"total_size\": 4}}"), {"index: has no \"weight_map\""});
}

TEST_F(MalformedSafetensorsFolder, RefusesAnEmptyWeightMap) {
    expect_refused_by(put_index("{\"weight_map\": {}}"), {"weight_map: is empty"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAShardThatIsNotAString) {
    expect_refused_by(put_index("{\"weight_map\": {\"a\": 1}}"), {"weight_map \"a\": shard is an integer"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAnIndexNamingAMissingShard) {
    put_shard("model-00001-of-00002.safetensors", {"a"});
    expect_refused_by(put_index(R"({"weight_map": {"a": "model-00001-of-00002.safetensors",
                                                   "b": "model-00002-of-00002.safetensors"}})"),
                      {"weight_map \"b\": shard \"model-00002-of-00002.safetensors\" does not exist"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAShardNameThatLeavesTheFolder) {
    // A real file outside the folder, which the hostile index points at.
    const fs::path outside = fs::path(dir_.path) / "outside";
    fs::create_directory(outside);
    const std::string index = put("outside/model.safetensors.index.json",
                                  R"({"weight_map": {"a": "../x.safetensors"}})");
    put_shard("x.safetensors", {"a"});
    try {
        qt::SafetensorsFolder::open(outside.string());
        ADD_FAILURE() << "followed ../";
    } catch (const qt::ModelFileError& e) {
        expect_refused(index, e.what(), {"weight_map \"a\": shard name \"../x.safetensors\" has a path separator"});
    }
}

TEST_F(MalformedSafetensorsFolder, RefusesAnAbsoluteShardName) {
    expect_refused_by(put_index(R"({"weight_map": {"a": "/etc/passwd"}})"), {"\"/etc/passwd\" has a path separator"});
}

TEST_F(MalformedSafetensorsFolder, RefusesDotDotAsAShardName) {
    expect_refused_by(put_index(R"({"weight_map": {"a": ".."}})"), {"shard name \"..\" names a folder"});
}

TEST_F(MalformedSafetensorsFolder, RefusesABackslashInAShardName) {
    expect_refused_by(put_index(R"({"weight_map": {"a": "..\\x.safetensors"}})"), {"has a path separator"});
}

TEST_F(MalformedSafetensorsFolder, RefusesATensorMissingFromItsShard) {
    put_shard("s1.safetensors", {"a"});
    expect_refused_by(put_index(R"({"weight_map": {"a": "s1.safetensors", "b": "s1.safetensors"}})"),
                      {"weight_map \"b\": tensor is not in its shard \"s1.safetensors\""});
}

TEST_F(MalformedSafetensorsFolder, RefusesATensorInTwoShards) {
    put_shard("s1.safetensors", {"a", "b"});
    const std::string s2 = put_shard("s2.safetensors", {"b", "c"});
    put_index(R"({"weight_map": {"a": "s1.safetensors", "b": "s1.safetensors", "c": "s2.safetensors"}})");
    expect_refused_by(s2, {"tensor \"b\": is in two shards", "s1.safetensors"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAShardTensorTheIndexDoesNotList) {
    const std::string s1 = put_shard("s1.safetensors", {"a", "stray"});
    put_index(R"({"weight_map": {"a": "s1.safetensors"}})");
    expect_refused_by(s1, {"tensor \"stray\": is not in the index's weight_map"});
}

TEST_F(MalformedSafetensorsFolder, RefusesATensorMappedTwiceInTheIndex) {
    put_shard("s1.safetensors", {"a"});
    put_shard("s2.safetensors", {"a"});
    expect_refused_by(put_index(R"({"weight_map": {"a": "s1.safetensors", "a": "s2.safetensors"}})"),
                      {"index: duplicate key \"a\" in \"weight_map\""});
}

TEST_F(MalformedSafetensorsFolder, NamesTheShardWhenAShardIsMalformed) {
    const std::string broken = put("s2.safetensors", u64_le(3) + "{\"a");
    put_shard("s1.safetensors", {"a"});
    put_index(R"({"weight_map": {"a": "s1.safetensors", "b": "s2.safetensors"}})");
    expect_refused_by(broken, {"header: not valid JSON"});
}

TEST_F(MalformedSafetensorsFolder, RefusesASingleModelFileThatIsMalformed) {
    expect_refused_by(put("model.safetensors", u64_le(0)), {"header length is 0"});
}

TEST_F(MalformedSafetensorsFolder, RefusesAShardThatIsAFolder) {
    fs::create_directory(fs::path(dir_.path) / "s1.safetensors");
    put_index(R"({"weight_map": {"a": "s1.safetensors"}})");
    expect_refused_by(dir_.path + "/s1.safetensors", {"not a regular file"});
}

}  // namespace
