"""Drafting a segment's value proposition and 4P from its profile and the channel suggestions."""

from campaigns.channels import ChannelSuggestion
from campaigns.plan_draft import draft_segment_plan
from segmentation.profiles import SegmentProfile, Trait


def _trait(feature, text, level=None):
    return Trait(feature=feature, kind="category" if level else "numeric", segment_value=0.4, overall_value=0.1,
                 difference=1.0, text=text, level=level)


PROFILE = SegmentProfile(label=True, size=473, share=0.24, proposed_name="Younger student customers", summary="",
                         top_traits=(_trait("age", "average age 23.1 vs 43.4 overall"),
                                     _trait("lifestyle", "37% lifestyle: student vs 10% overall", "student"),
                                     _trait("income_band", "43% income band: <20k vs 13% overall", "<20k"),
                                     _trait("preferred_channel", "56% preferred channel: push vs 24% overall", "push"),
                                     _trait("interests", "48% interests: gaming vs 20% overall", "gaming")))
CHANNELS = [ChannelSuggestion("tiktok", 1.0, ("young audience (age about 23): TikTok reaches under-30s",)),
            ChannelSuggestion("push", 0.5, ("consented share: 36% of the segment may get push",))]


def test_each_trait_lands_in_the_part_of_the_mix_it_informs():
    draft = draft_segment_plan(PROFILE, CHANNELS)
    assert draft["price"] == "43% income band: <20k vs 13% overall"
    assert draft["product"] == "37% lifestyle: student vs 10% overall; 48% interests: gaming vs 20% overall"
    assert draft["promotion"] == "56% preferred channel: push vs 24% overall"
    assert draft["place"].startswith("tiktok (young audience") and "push (consented share" in draft["place"]
    assert draft["value_proposition"] == "For younger student customers — average age 23.1 vs 43.4 overall"


def test_what_is_already_written_is_kept():
    draft = draft_segment_plan(PROFILE, CHANNELS, filled={"price": "Student discount of 10%", "product": "  "})
    assert draft["price"] == "Student discount of 10%"
    assert draft["product"].startswith("37% lifestyle")  # blank counts as empty


def test_a_segment_without_traits_gets_a_minimal_draft():
    bare = SegmentProfile(label=True, size=10, share=0.01, top_traits=(), proposed_name="Everyone", summary="")
    assert draft_segment_plan(bare, []) == {"value_proposition": "For everyone", "product": "", "price": "",
                                            "place": "", "promotion": ""}
