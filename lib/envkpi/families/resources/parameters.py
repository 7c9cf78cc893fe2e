"""The model of the ``resources:`` section of the parameter files (RES-01 … RES-08)."""

from __future__ import annotations

from typing import Annotated

from envkpi.core.parameters import Fraction, Sourced, Strict, one_of

__all__ = ["INPUT_METHODS", "Resources"]

#: The two methods of RES-01 (standard, 投入資源): ① purchased materials, auxiliary materials included
#: (購入材料(副資材を含む)); ② products shipped + auxiliary materials + waste (出荷製品量+副資材量+廃棄物量).
INPUT_METHODS = {
    "purchased_materials": "① purchased materials, auxiliary materials included (購入材料(副資材を含む)の量)",
    "products_auxiliary_waste": "② products shipped + auxiliary materials + waste and valuables generated "
                                "(出荷製品量+副資材量+廃棄物量)",
}

InputMethod = Annotated[Sourced, one_of(*INPUT_METHODS, what="a method of RES-01 (投入資源)")]


class Resources(Strict):
    """Parameters of the resources family (RES-01 … RES-08).

    ``input_method`` is the method of RES-01 for every site; ``site_input_methods`` names the sites
    (site id → method) that report by the other method. ``appliance_statutory_rates`` are the
    statutory recycling rates (再商品化等基準) of the Home Appliance Recycling Law per category
    [percent]: the keys are the categories of ``appliance_recycling.csv`` (RES-03).
    """

    input_method: InputMethod
    site_input_methods: dict[str, InputMethod] = {}
    appliance_statutory_rates: dict[str, Fraction]
